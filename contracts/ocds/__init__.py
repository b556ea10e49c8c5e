"""Open Contracting Data Standard 1.1: a contract's revisions as a release package, and as a record package
compiled by ocdsmerge. The project's own extension (contracts/ocds/extension/) carries what core OCDS has no
field for: each organisation's entitlement to each system, deployments at an organisation, and how precisely
the sources give each date."""
