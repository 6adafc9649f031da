"""The media storage layer: keys, content sniffing, access links, Range serving and
clean-up, over whatever backend STORAGES["default"] is (local disk or S3)."""
