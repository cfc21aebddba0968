# Stand-in for python:3.11-slim-bookworm: Debian's Python 3.11 with venv, `python` on PATH like the real image.
FROM cruddur-standin/debian:bookworm
COPY ca-certificates/ /usr/local/share/ca-certificates/
RUN printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d \
 && apt-get update -qq && apt-get install -y -qq --no-install-recommends python3 python3-venv ca-certificates \
 && update-ca-certificates && ln -s /usr/bin/python3 /usr/local/bin/python \
 && rm -rf /var/lib/apt/lists/*
# Debian's bundled pip trusts only its own CA list; the real image's pip reaches PyPI without this.
ENV LANG=C.UTF-8 PIP_CERT=/etc/ssl/certs/ca-certificates.crt
CMD ["python3"]
