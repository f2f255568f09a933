"""A kopf operator doing ModelOps' first-version work, for `modelops-bench firstdeploy`.

Per ModelDeployment: on creation, a Deployment `<name>-<version>` (spec.replicas pods of
spec.template with MODEL_NAME/MODEL_VERSION/MODEL_URI injected, ModelOps' labels, owned by the
ModelDeployment) and a Service `<name>`; once the Deployment is available, one status write:
phase Healthy, the stable version, the history entry, the Available/Progressing/Degraded/Ready
conditions and observedGeneration, shaped as ModelOps writes them (Sources/ModelOpsControllers/
Rollout/). Nothing else: no canaries, no updates, no analysis.

Written the way a team would write it with kopf: one asyncio task per object (kopf's), an
aiohttp session without a connection limit for its own requests (kopf's own client has none
either), no client-side rate limit. kopf's defaults otherwise (it posts a Kubernetes Event for
each handler outcome), except that its handler progress lives in annotations, because the
ModelDeployment status schema prunes the `status.kopf` field it would write by default.

Run: KUBECONFIG=... python -m kopf run --standalone --all-namespaces operator.py
"""
import asyncio
import datetime
import re

import aiohttp
import kopf

GROUP, VERSION, PLURAL = 'modelops.io', 'v1alpha1', 'modeldeployments'
MANAGED_BY = 'modelops-kopf-peer'
DEPLOYMENT_LABEL = 'modelops.io/deployment'
VERSION_LABEL = 'modelops.io/version'
MODEL_LABEL = 'modelops.io/model'
ROLE_LABEL = 'modelops.io/role'
VERSION_ANNOTATION = 'modelops.io/model-version'
# What the status write needs of the ModelDeployment, carried on its Deployment so that the
# Deployment's events alone can write it.
GENERATION_ANNOTATION = 'modelops.io/owner-generation'
MODEL_ANNOTATION = 'modelops.io/model'


class Client:
    """The peer's own requests, on the credentials kopf logged in with."""

    def __init__(self):
        self.info = None
        self.session = None

    def request(self, method, path, body, content_type='application/json'):
        if self.session is None:
            self.session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=0, ssl=self.info.as_ssl_context()),
                headers={**self.info.as_http_headers(), 'User-Agent': f'{MANAGED_BY}/{kopf.__version__}'})
        return self.session.request(method, self.info.server.rstrip('/') + path, json=body,
                                    headers={'Content-Type': content_type})

    async def create(self, path, body):
        async with self.request('POST', path, body) as response:
            if response.status == 409:
                return  # AlreadyExists: created by an earlier try of the handler.
            if response.status >= 300:
                raise kopf.TemporaryError(f'POST {path}: {response.status} {await response.text()}', delay=1)

    async def merge_patch(self, path, body, tries=5):
        """Event handlers are not retried by kopf, so this one retries itself."""
        for attempt in range(tries):
            async with self.request('PATCH', path, body, 'application/merge-patch+json') as response:
                if response.status < 300:
                    return
                failure = f'PATCH {path}: {response.status} {await response.text()}'
            await asyncio.sleep(min(2 ** attempt, 10))
        raise kopf.PermanentError(failure)

    async def close(self):
        if self.session is not None:
            await self.session.close()


CLIENT = Client()
# (namespace, name, generation) whose Healthy status was written: Deployment events keep coming
# (the simulated kubelet's status updates) and must not write it again.
HEALTHY = set()


@kopf.on.startup()
def configure(settings: kopf.OperatorSettings, **_):
    settings.persistence.progress_storage = kopf.AnnotationsProgressStorage()


@kopf.on.login()
def login(**kwargs):
    CLIENT.info = kopf.login_with_kubeconfig(**kwargs) or kopf.login_with_service_account(**kwargs)
    return CLIENT.info


@kopf.on.cleanup()
async def close(**_):
    await CLIENT.close()


def slug(value, limit=40):
    """ModelOps' DNS-1123 slug of a version (the plain ones the bench uses stay as they are)."""
    out = re.sub(r'[^a-z0-9]+', '-', value.lower())[:limit].strip('-')
    return out or 'v'


def label_value(value):
    return re.sub(r'[^A-Za-z0-9._-]', '-', value)[:63].strip('-_.')


def now():
    return datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')


@kopf.on.create(GROUP, VERSION, PLURAL)
async def create_children(name, namespace, spec, meta, uid, **_):
    model = spec['model']
    version = model['version']
    port = spec.get('port', 8080)
    owner = {'apiVersion': f'{GROUP}/{VERSION}', 'kind': 'ModelDeployment', 'name': name, 'uid': uid,
             'controller': True, 'blockOwnerDeletion': True}
    labels = {'app.kubernetes.io/managed-by': MANAGED_BY, DEPLOYMENT_LABEL: label_value(name)}
    pod_labels = {DEPLOYMENT_LABEL: label_value(name), VERSION_LABEL: label_value(version)}

    template = dict(spec.get('template') or {})
    template_meta = dict(template.get('metadata') or {})
    template_meta['labels'] = {**(template_meta.get('labels') or {}), MODEL_LABEL: label_value(model['name']), **pod_labels}
    template['metadata'] = template_meta
    injected = [{'name': 'MODEL_NAME', 'value': model['name']}, {'name': 'MODEL_VERSION', 'value': version},
                {'name': 'MODEL_URI', 'value': model['uri']}]
    template_spec = dict(template.get('spec') or {})
    template_spec['containers'] = [
        {**c, 'env': [e for e in c.get('env', []) if e['name'] not in ('MODEL_NAME', 'MODEL_VERSION', 'MODEL_URI')] + injected}
        for c in template_spec.get('containers', [])]
    template['spec'] = template_spec

    deployment = {
        'apiVersion': 'apps/v1', 'kind': 'Deployment',
        'metadata': {
            'name': f'{slug(name, 203)}-{slug(version)}', 'namespace': namespace, 'ownerReferences': [owner],
            'labels': {**labels, VERSION_LABEL: label_value(version), ROLE_LABEL: 'stable'},
            'annotations': {VERSION_ANNOTATION: version, GENERATION_ANNOTATION: str(meta['generation']),
                            MODEL_ANNOTATION: f"{model['name']}\n{model['uri']}"},
        },
        'spec': {'replicas': spec.get('replicas', 1), 'selector': {'matchLabels': pod_labels}, 'template': template},
    }
    service = {
        'apiVersion': 'v1', 'kind': 'Service',
        'metadata': {'name': name, 'namespace': namespace, 'ownerReferences': [owner], 'labels': labels},
        'spec': {'selector': {DEPLOYMENT_LABEL: label_value(name)},
                 'ports': [{'name': 'http', 'port': port, 'targetPort': port, 'protocol': 'TCP'}]},
    }
    await asyncio.gather(CLIENT.create(f'/apis/apps/v1/namespaces/{namespace}/deployments', deployment),
                         CLIENT.create(f'/api/v1/namespaces/{namespace}/services', service))


@kopf.on.event('apps', 'v1', 'deployments', labels={'app.kubernetes.io/managed-by': MANAGED_BY})
async def deployment_changed(body, meta, spec, status, namespace, type, **_):
    if type == 'DELETED':
        return
    owner = next((o['name'] for o in meta.get('ownerReferences', []) if o.get('kind') == 'ModelDeployment'), None)
    annotations = meta.get('annotations', {})
    generation = int(annotations.get(GENERATION_ANNOTATION, '0'))
    key = (namespace, owner, generation)
    if owner is None or key in HEALTHY:
        return
    replicas = spec.get('replicas', 1)
    available = (status.get('observedGeneration', 0) >= meta.get('generation', 0)
                 and status.get('updatedReplicas', 0) >= replicas and status.get('availableReplicas', 0) >= replicas)
    if not available:
        return
    version = annotations[VERSION_ANNOTATION]
    model_name, uri = annotations[MODEL_ANNOTATION].split('\n', 1)
    at = now()

    def condition(type_, value, reason, message):
        return {'type': type_, 'status': 'True' if value else 'False', 'observedGeneration': generation,
                'lastTransitionTime': at, 'reason': reason, 'message': message}

    ready = status.get('readyReplicas', 0)
    await CLIENT.merge_patch(f'/apis/{GROUP}/{VERSION}/namespaces/{namespace}/{PLURAL}/{owner}/status', {'status': {
        'observedGeneration': generation,
        'phase': 'Healthy',
        'message': f'{version} serves all traffic',
        'stable': {'name': model_name, 'version': version, 'uri': uri, 'since': at},
        'history': [{'revision': 1, 'name': model_name, 'version': version, 'uri': uri, 'promotedAt': at}],
        'conditions': [
            condition('Available', True, 'MinimumReplicasAvailable',
                      f"{status.get('availableReplicas', 0)} of {replicas} pods of {version} available"),
            condition('Progressing', False, 'RolloutComplete', f'{version} serves all traffic'),
            condition('Degraded', False, 'AsExpected', ''),
            condition('Ready', ready >= replicas, 'AllReplicasReady' if ready >= replicas else 'ReplicasNotReady',
                      f'{ready}/{replicas} pods of {version} ready'),
        ],
    }})
    HEALTHY.add(key)
