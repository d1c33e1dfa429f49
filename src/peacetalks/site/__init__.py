"""`peacetalks site`: a static page that shows every fact on the sentence it comes from."""
