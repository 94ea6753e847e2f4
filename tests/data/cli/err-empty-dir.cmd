baseline cli
