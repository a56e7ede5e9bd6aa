"""Listening: aggregate health-topic monitoring of public posts and news (WHO EARS taxonomy), privacy first."""
