"""Setting up a pilot region from nothing: regions, topics, organisations, people's roles,
invitations. Administrators do everything; a pilot leader manages the people of the regions
they lead."""
