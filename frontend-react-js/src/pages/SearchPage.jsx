import { useSearchParams } from "react-router";
import { ActivityFeed } from "../components/ActivityFeed.jsx";
import { Empty } from "../components/PageState.jsx";
import { TrendingPanel, useTrendingBeside } from "../components/TrendingPanel.jsx";
import { MAX_SEARCH_TERM_LENGTH, searchActivities } from "../lib/activities.js";
import { usePaged } from "../lib/use-paged.js";

export default function SearchPage() {
  const [params, setParams] = useSearchParams();
  const term = (params.get("term") ?? "").trim();
  const trendingBeside = useTrendingBeside();

  function submit(event) {
    event.preventDefault();
    const next = new FormData(event.currentTarget).get("term").trim();
    setParams(next ? { term: next } : {});
  }

  return (
    <section className="page" aria-labelledby="search-title">
      <h1 id="search-title">Search</h1>
      <form role="search" className="search-form" onSubmit={submit}>
        <label htmlFor="search-term">Search cruds</label>
        <input id="search-term" name="term" type="search" defaultValue={term} key={term} maxLength={MAX_SEARCH_TERM_LENGTH} />
        <button type="submit">Search</button>
      </form>
      {term ? <Results term={term} /> : <Empty>Type a word, or a #tag, to find live cruds.</Empty>}
      {/* Where Trending is no column beside the page (phones), it is here, until a search is made. */}
      {!term && !trendingBeside && <TrendingPanel />}
    </section>
  );
}

function Results({ term }) {
  const feed = usePaged((cursor) => searchActivities(term, { cursor }), [term]);
  return <ActivityFeed feed={feed} label={`Results for ${term}`} empty={`No live cruds match “${term}”.`} />;
}
