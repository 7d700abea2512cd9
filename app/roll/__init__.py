"""The public honor roll (光荣榜): browse, filter and search published honors."""
