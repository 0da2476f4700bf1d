"""Files shared by the forge tests of scope `new`: an old finding kept, a new one added, a USER removed."""
from __future__ import annotations

OLD_CLIENT = "import requests\n\n\ndef fetch(url):\n    return requests.get(url)\n"
# the head touches the file (a comment on line 1) and adds a second call without a timeout on line 9
HEAD_CLIENT = OLD_CLIENT.replace("import requests\n", "import requests  # http\n") + \
    "\n\ndef post(url):\n    return requests.post(url)\n"
PADDING = "".join(f"# note {i}\n" for i in range(12))
WITH_USER = f"FROM python:3.12-slim\n{PADDING}RUN useradd -u 10001 app\nUSER app\nCMD [\"python\", \"main.py\"]\n"
WITHOUT_USER = WITH_USER.replace("USER app\n", "")
