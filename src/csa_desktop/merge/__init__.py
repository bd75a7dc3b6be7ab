"""Three-way field merge and the conflict queue."""
