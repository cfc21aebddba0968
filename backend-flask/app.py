from cruddur import create_app

app = create_app()
