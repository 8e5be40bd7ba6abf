"""Use cases shared by the JSON API, the pages and the exports.

Each takes a cursor (and the build snapshot for caching) and returns a public schema;
none of them imports the web framework.
"""
