"""Agora: a citizen-feedback forum for rural pilot regions."""
