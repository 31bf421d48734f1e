"""Knowledge loading and validation: YAML files that moderators edit in git."""
