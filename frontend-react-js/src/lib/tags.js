// Request functions for the tags API, one per endpoint.
import { api } from "./api-client.js";

export const trendingTags = () => api("/api/tags/trending");
