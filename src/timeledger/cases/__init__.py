"""Cases: pieces of advice work for one or more clients."""
