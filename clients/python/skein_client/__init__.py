"""Skein's Python client: features, feeds (REST and live over Socket.IO) and LLM token streams (SSE)."""

from .client import FeedFollower, FeedItem, Skein, SkeinError, Token

__all__ = ["FeedFollower", "FeedItem", "Skein", "SkeinError", "Token"]
