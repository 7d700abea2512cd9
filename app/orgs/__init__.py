"""Organisations: the tree 市 → 区/县 → 乡镇/街道 → 村/社区, plus work units and media."""
