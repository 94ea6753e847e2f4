mask vhost-vsock-pci all,-seqpacket
