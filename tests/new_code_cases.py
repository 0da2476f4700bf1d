"""Files shared by the forge tests of scope `new`: an old finding kept, a new one added, probes removed."""
from __future__ import annotations

OLD_CLIENT = "import requests\n\n\ndef fetch(url):\n    return requests.get(url)\n"
# the head touches the file (a comment on line 1) and adds a second call without a timeout on line 9
HEAD_CLIENT = OLD_CLIENT.replace("import requests\n", "import requests  # http\n") + \
    "\n\ndef post(url):\n    return requests.post(url)\n"

# a container whose probes sit far below its `- name:` line: removing them makes k8s.no-probes new on
# a line the diff does not show
PROBED = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: web
          image: registry.example.org/web:1.0.0
          env:
            - {name: A, value: "1"}
            - {name: B, value: "2"}
            - {name: C, value: "3"}
            - {name: D, value: "4"}
            - {name: E, value: "5"}
          readinessProbe:
            httpGet: {path: /ready, port: 8080}
          livenessProbe:
            httpGet: {path: /live, port: 8080}
"""
UNPROBED = PROBED.split("          readinessProbe:")[0]
