"""The agency registry: the bodies plans assign duties to, their aliases and successors, how a
written name resolves to one of them (pure), and the stored agencies those bodies become.

May import: parsing (names and bodies), models, config.
"""
