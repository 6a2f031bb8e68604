"""The privacy notice and the accessibility statement: plain pages, linked from every footer."""
