"""Honors: publication, revocation, consent withdrawal, certificates, public honor pages."""
