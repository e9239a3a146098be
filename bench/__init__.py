"""The page benchmark (`make bench`; README, "Page benchmark"). Not part of the site."""
