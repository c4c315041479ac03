"""Stage 1, file → `Document`: formats, wire layouts, story, trailers, dates and places. Imports no Whoosh."""
