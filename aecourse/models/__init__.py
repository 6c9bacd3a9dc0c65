"""The course's autoencoders, one module per architecture, the Keras and PyTorch twins side by side.

``dense``: the classic fully connected autoencoder (784-128-32-128-784 and any
other widths); ``conv``: the convolutional autoencoder and the keras.io
tutorial's model; ``linear``: the linear autoencoder of the theory chapter, in
NumPy. Each module imports its frameworks, so import the one you use.
"""
