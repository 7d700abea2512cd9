"""群众推荐 and 自荐: the public form and the staff moderation queue that turns it into a draft."""
