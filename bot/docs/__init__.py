"""Documents rendered from stored incidents: postmortems, and later runbooks."""
