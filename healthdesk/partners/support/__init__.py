"""The support tickets API v1 (support-tickets-v1.txt): raise, follow, assign, close, reopen and rate tickets."""
