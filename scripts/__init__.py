"""Running fedsite as production does, on this machine: `make stack`, `make faults`,
`make soak` (README, "Deploying"). Not part of the site."""
