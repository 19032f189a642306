"""Turns the rendered Kubernetes manifests (kubectl kustomize deploy/kubernetes/...) into what
podman 4.3's `kube play` can run, for the container tests. It keeps every container as written
(image, args, env, resources, security context, volume mounts) and changes only what podman lacks:

- Deployment: podman plays one pod per Deployment, so the env-server Deployment becomes
  --servers Deployments of one replica each (name-0, name-1, ...).
- containerPort: podman 4.3 also publishes each one on the host, so two replicas would collide;
  the ports list is dropped (the pods reach each other over the network, as in a cluster).
- Service (headless): no Services in podman; the servers join the network with the Service's name
  as a DNS alias (the caller passes --network NET:alias=NAME), which answers with every server,
  as the headless Service does.
- Job: podman plays no Jobs; its pod template becomes a Pod (restartPolicy Never).
- Secret volumes: podman 4.3 crashes on them (nil secrets manager in kube play), so each Secret's
  data is written to files under --secret-dir and mounted as a hostPath directory instead.
- emptyDir: podman 4.3 makes it a named volume shared by every pod that names it the same; each
  pod's emptyDirs get names of their own (POD-VOLUME), as each pod has its own in a cluster.
- Names: podman's pods and volumes are global to the machine, so every pod and volume name gets
  --prefix (the test's id), which also tells the teardown what to remove.
- Namespace, NetworkPolicy: not enforced by podman; left out (checked by the schema test only).
- PersistentVolumeClaim: played as is (a podman volume).

Usage: kube_play.py RENDERED.yaml --prefix ID --servers 2 --secret-dir DIR --out-servers S.yaml
           --out-agent A.yaml [--out-extra-server E.yaml] [--arg=--total-steps=3000 ...]
--arg replaces the agent argument with the same flag name (a shorter run than the manifest's).
--out-extra-server writes one more server (index --servers) on its own, to play mid-run: a scale-up.
Prints one line per substitution.
"""

import argparse
import base64
import copy
import os
import sys

import yaml


def main():
    p = argparse.ArgumentParser()
    p.add_argument("rendered")
    p.add_argument("--prefix", required=True)
    p.add_argument("--servers", type=int, default=2)
    p.add_argument("--secret-dir", required=True)
    p.add_argument("--out-servers", required=True)
    p.add_argument("--out-agent", required=True)
    p.add_argument("--out-extra-server")
    p.add_argument("--arg", action="append", default=[])
    a = p.parse_args()
    with open(a.rendered) as f:
        docs = [d for d in yaml.safe_load_all(f) if d]
    by_kind = {}
    for d in docs:
        by_kind.setdefault(d["kind"], []).append(d)
    secrets = {s["metadata"]["name"]: s for s in by_kind.get("Secret", [])}

    servers = []
    for dep in by_kind["Deployment"]:
        for i in range(a.servers + (1 if a.out_extra_server else 0)):
            one = copy.deepcopy(dep)
            one["metadata"]["name"] = f"{a.prefix}-{dep['metadata']['name']}-{i}"
            one["spec"]["replicas"] = 1
            for container in one["spec"]["template"]["spec"]["containers"]:
                container.pop("ports", None)
            secret_volumes_to_files(one["spec"]["template"]["spec"], secrets, a.secret_dir)
            own_empty_dirs(one["spec"]["template"]["spec"], one["metadata"]["name"])
            servers.append(one)
        say(f"Deployment {dep['metadata']['name']}: {a.servers} one-replica Deployments")
    for svc in by_kind.get("Service", []):
        say(f"Service {svc['metadata']['name']}: a network alias of the servers")

    agent = []
    claims = {}
    for pvc in by_kind.get("PersistentVolumeClaim", []):
        pvc = copy.deepcopy(pvc)
        name = pvc["metadata"]["name"]
        claims[name] = pvc["metadata"]["name"] = f"{a.prefix}-{name}"
        agent.append(pvc)
    for job in by_kind["Job"]:
        template = copy.deepcopy(job["spec"]["template"])
        template["spec"]["restartPolicy"] = "Never"
        name = f"{a.prefix}-{job['metadata']['name']}"
        secret_volumes_to_files(template["spec"], secrets, a.secret_dir)
        own_empty_dirs(template["spec"], name)
        for volume in template["spec"].get("volumes", []):
            if "persistentVolumeClaim" in volume:
                claim = volume["persistentVolumeClaim"]
                claim["claimName"] = claims[claim["claimName"]]
        for container in template["spec"]["containers"]:
            container["args"] = override(container.get("args", []), a.arg)
        agent.append(
            {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {**template.get("metadata", {}), "name": name},
                "spec": template["spec"],
            }
        )
        say(f"Job {job['metadata']['name']}: its pod template as a Pod; args {a.arg}")
    for kind in ("Namespace", "NetworkPolicy"):
        for d in by_kind.get(kind, []):
            say(f"{kind} {d['metadata']['name']}: left out (podman does not enforce it)")

    if a.out_extra_server:
        with open(a.out_extra_server, "w") as f:
            yaml.safe_dump(servers.pop(), f)
    with open(a.out_servers, "w") as f:
        yaml.safe_dump_all(servers, f)
    with open(a.out_agent, "w") as f:
        yaml.safe_dump_all(agent, f)


def secret_volumes_to_files(pod_spec, secrets, secret_dir):
    for volume in pod_spec.get("volumes", []):
        source = volume.pop("secret", None)
        if source is None:
            continue
        secret = secrets[source["secretName"]]
        data = {k: base64.b64decode(v) for k, v in secret.get("data", {}).items()}
        items = source.get("items") or [{"key": k, "path": k} for k in data]
        folder = os.path.join(secret_dir, volume["name"] + "-" + source["secretName"])
        os.makedirs(folder, exist_ok=True)
        os.chmod(folder, 0o755)
        for item in items:
            path = os.path.join(folder, item["path"])
            with open(path, "wb") as f:
                f.write(data[item["key"]])
            os.chmod(path, 0o644)  # the pods run as user 10001
        volume["hostPath"] = {"path": os.path.abspath(folder), "type": "Directory"}
        say(f"Secret {source['secretName']} -> files in {folder}")


def own_empty_dirs(pod_spec, pod_name):
    renamed = {}
    for volume in pod_spec.get("volumes", []):
        if "emptyDir" in volume:
            renamed[volume["name"]] = volume["name"] = f"{pod_name}-{volume['name']}"
    for container in pod_spec["containers"]:
        for mount in container.get("volumeMounts", []):
            mount["name"] = renamed.get(mount["name"], mount["name"])


def override(args, overrides):
    out = list(args)
    for o in overrides:
        flag = o.split("=", 1)[0]
        hits = [i for i, x in enumerate(out) if x.split("=", 1)[0] == flag]
        if not hits:
            sys.exit(f"kube_play.py: the agent has no argument {flag} to replace")
        out[hits[0]] = o
    return out


def say(line):
    print("kube_play.py: " + line, file=sys.stderr)


if __name__ == "__main__":
    main()
