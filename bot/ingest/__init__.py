"""Alert webhooks turned into signals: payload parsing, authentication and routing.

Pure code: nothing here touches the network, the database or the environment.
"""
