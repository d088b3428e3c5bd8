# Driven by docker-py.test.ts: one scenario per argv[1], with Debian's python3-docker against DOCKER_HOST.
# Each scenario asserts and prints "ok"; any exception exits non-zero with a traceback.
import io
import json
import sys
import tarfile
import time

import docker

client = docker.from_env(timeout=300)
IMG = 'busybox:latest'


def pull():
    img = client.images.pull('busybox', tag='latest')
    assert 'busybox:latest' in img.tags, img.tags
    assert client.images.get(IMG).id == img.id


def run_detached():
    c = client.containers.run(IMG, ['sh', '-c', 'echo out1; echo err1 >&2; echo out2'], detach=True,
                              name='pyc', environment={'X': '1'}, labels={'l': 'v'})
    assert client.ping() is True
    res = c.wait(timeout=300)
    assert res['StatusCode'] == 0, res
    # Both streams together (the order between stdout and stderr lines of the same instant may differ).
    logs = c.logs()
    assert sorted(logs.split()) == [b'err1', b'out1', b'out2'], logs
    assert c.logs(stderr=False) == b'out1\nout2\n'
    assert c.logs(stdout=False) == b'err1\n'
    c.reload()
    assert c.status == 'exited', c.status
    assert c.labels == {'l': 'v'}, c.labels
    assert 'X=1' in c.attrs['Config']['Env']
    assert [x.name for x in client.containers.list(all=True, filters={'name': 'pyc'})] == ['pyc']
    c.remove()
    try:
        client.containers.get('pyc')
        raise AssertionError('still there')
    except docker.errors.NotFound as e:
        assert 'No such container: pyc' in str(e), str(e)


def run_attached():
    out = client.containers.run(IMG, ['sh', '-c', 'echo hello; echo skipped >&2'], remove=True)
    assert out == b'hello\n', out
    out = client.containers.run(IMG, ['sh', '-c', 'echo both; echo e >&2'], stderr=True, stdout=True, remove=True)
    assert sorted(out.split()) == [b'both', b'e'], out
    try:
        client.containers.run(IMG, ['sh', '-c', 'echo boom >&2; exit 3'], remove=True)
        raise AssertionError('no ContainerError')
    except docker.errors.ContainerError as e:
        assert e.exit_status == 3, e.exit_status
        assert b'boom' in e.stderr, e.stderr


def logs_stream():
    c = client.containers.run(IMG, ['sh', '-c', 'for i in 1 2 3; do echo line$i; sleep 1; done'], detach=True)
    lines = b''.join(c.logs(stream=True, follow=True))
    assert lines == b'line1\nline2\nline3\n', lines
    assert c.wait()['StatusCode'] == 0
    c.remove()


def exec_run():
    c = client.containers.run(IMG, ['sleep', '3600'], detach=True)
    try:
        r = c.exec_run(['sh', '-c', 'echo out; echo err >&2; exit 7'])
        assert r.exit_code == 7, r
        assert sorted(r.output.split()) == [b'err', b'out'], r.output
        r = c.exec_run(['sh', '-c', 'echo out; echo err >&2'], demux=True)
        assert r.exit_code == 0, r
        assert r.output == (b'out\n', b'err\n'), r.output
        r = c.exec_run(['sh', '-c', 'for i in 1 2; do echo s$i; sleep 1; done'], stream=True)
        assert r.exit_code is None
        assert b''.join(r.output) == b's1\ns2\n'
        r = c.exec_run(['sh', '-c', 'echo so; echo se >&2'], stream=True, demux=True)
        got = list(r.output)
        assert (b'so\n', None) in got and (None, b'se\n') in got, got
        r = c.exec_run('env', environment={'E': 'v'}, workdir='/tmp')
        assert b'E=v' in r.output, r.output
        r = c.exec_run('pwd', workdir='/tmp')
        assert r.output == b'/tmp\n', r.output
        r = c.exec_run('tty', tty=True)
        assert r.output.startswith(b'/dev/pts/'), r.output
    finally:
        c.remove(force=True)


def archive():
    c = client.containers.run(IMG, ['sleep', '3600'], detach=True)
    try:
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode='w') as t:
            data = b'hello archive\n'
            info = tarfile.TarInfo('dir/hello.txt')
            info.size = len(data)
            info.mode = 0o644
            t.addfile(info, io.BytesIO(data))
        assert c.put_archive('/tmp', buf.getvalue()) is True
        r = c.exec_run('cat /tmp/dir/hello.txt')
        assert r.output == b'hello archive\n', r.output
        bits, stat = c.get_archive('/tmp/dir')
        assert stat['name'] == 'dir', stat
        assert stat['mode'] & 0x80000000, stat
        tar = tarfile.open(fileobj=io.BytesIO(b''.join(bits)))
        assert tar.extractfile('dir/hello.txt').read() == b'hello archive\n'
        try:
            c.get_archive('/nope')
            raise AssertionError('no NotFound')
        except docker.errors.NotFound:
            pass
    finally:
        c.remove(force=True)


def networks_volumes():
    net = client.networks.create('pynet', driver='bridge', labels={'k': 'v'})
    vol = client.volumes.create('pyvol', labels={'k': 'v'})
    try:
        assert client.networks.get('pynet').id == net.id
        assert vol.name == 'pyvol'
        assert 'pyvol' in [v.name for v in client.volumes.list(filters={'label': 'k=v'})]
        server = client.containers.run(IMG, ['sh', '-c', 'echo served > /data/f; httpd -f -p 80 -h /data'],
                                       detach=True, name='pyserver', network='pynet',
                                       volumes={'pyvol': {'bind': '/data', 'mode': 'rw'}})
        try:
            out = b''
            for _ in range(120):
                try:
                    out = client.containers.run(IMG, ['wget', '-q', '-O-', 'http://pyserver/f'], network='pynet',
                                                remove=True)
                    break
                except docker.errors.ContainerError:
                    time.sleep(1)
            assert out == b'served\n', out
            out = client.containers.run(IMG, ['cat', '/v/f'], volumes=['pyvol:/v:ro'], remove=True)
            assert out == b'served\n', out
            net.reload()
            assert server.id in [x.id for x in net.containers]
        finally:
            server.remove(force=True)
    finally:
        net.remove()
        vol.remove()
    assert 'pynet' not in [n.name for n in client.networks.list()]


def events():
    since = int(time.time()) - 1
    c = client.containers.run(IMG, 'true', detach=True, labels={'pyev': 'yes'})
    c.wait()
    c.remove()
    until = int(time.time()) + 1
    evs = list(client.events(since=since, until=until, decode=True, filters={'label': 'pyev=yes', 'type': 'container'}))
    actions = [e['Action'] for e in evs]
    for a in ('create', 'start', 'die', 'destroy'):
        assert a in actions, actions
    assert all(e['Actor']['ID'] == c.id for e in evs), evs


def api_errors():
    try:
        client.images.get('no-such-image:nope')
        raise AssertionError('no ImageNotFound')
    except docker.errors.ImageNotFound:
        pass
    info = client.info()
    assert info['OSType'] == 'linux', info.get('OSType')
    v = client.version()
    assert v['ApiVersion'], v


globals()[sys.argv[1]]()
print('ok')
