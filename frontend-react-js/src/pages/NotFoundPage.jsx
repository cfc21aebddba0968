// The page for unknown addresses. Its content is a component because the profile and crud pages show
// the same thing for an address they cannot read, and pages do not import pages.
export { NotFound as default } from "../components/NotFound.jsx";
