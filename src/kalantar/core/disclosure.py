"""The smallest count of people the product shows anywhere: the public statistics, survey
results and perception figures hide anything below it, so that no one can be picked out.
One number for every app; the portal's disclosure rules build on it."""

MIN_COUNT = 5
