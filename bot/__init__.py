"""PM-or-PO bot: answers 'Product Manager or Product Owner?' questions for product-career communities."""

__version__ = "0.1.0"
