"""Every figure of the course, in one style.

``style`` holds the palette, the matplotlib defaults and the look of grid
cells; ``digits`` draws images and reconstructions; ``diagrams`` draws
autoencoder architectures; ``grids`` draws arrays of numbers as grids of cells;
``animation`` turns a sliding convolution into an animated GIF; ``detection``
draws ROC curves and error histograms; ``codes`` draws code spaces and error
against code size; ``tables`` puts results in a table. Nothing here
imports matplotlib until a figure is drawn.
"""
