"""Convolution arithmetic: the size formulas, the geometry of a sliding kernel, and sizes measured on real layers.

Every function that takes sizes takes them in one order, the book's:
``i`` input size, ``k`` kernel size, ``p`` zeros on **each** side, ``s``
stride, ``d`` dilation, then any further settings, so
``conv_output_size(28, 3, 1, 2)`` means padding 1 and stride 2 everywhere.
``sizes`` and ``layout`` need only NumPy; ``measured`` builds PyTorch and Keras
layers, importing each framework when first asked.
"""

from aecourse.convolution.layout import ConvolutionLayout
from aecourse.convolution.sizes import conv_output_size, conv_transpose_output_size, same_padding

__all__ = ["ConvolutionLayout", "conv_output_size", "conv_transpose_output_size", "same_padding"]
