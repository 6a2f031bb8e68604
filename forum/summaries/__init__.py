"""A region's summary for its pilot leaders: the figures, the charts, and the exports."""
