"""Honors: publication of a cycle, revocation, consent withdrawal, certificates, and the
public honoree and transparency pages."""
