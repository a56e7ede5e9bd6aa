"""Content hub: items with language variants, versions, reviews and attachments; channels, schedules, balance."""
