"""The yardstick: a hello-world Flask app, served by the benchmark exactly like the app."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hello, World!"
