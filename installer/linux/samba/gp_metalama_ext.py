# Metalama client-side extension for samba-gpupdate (Samba's Group Policy client on Linux).
#
# samba-gpupdate decides which GPOs apply to the machine and in which order (local, site,
# domain, OUs following link order, enforced links last, block inheritance), downloads them over
# signed SMB and runs every registered client-side extension with the GPOs that were deleted
# (unlinked, removed, or everything on --unapply) and the ones that changed. This extension keeps
# the Metalama values (SOFTWARE\Policies\PostSharp\Metalama and its Recommended subkey) of every
# GPO it applied and writes them, with each value's GPO (GUID, display name) and rank, to one JSON
# file that the Metalama policy agent reads (its "Group Policy (samba-gpupdate)" source).
#
# The values are resolved the way Windows' registry extension applies GPOs: one GPO after the
# other in samba-gpupdate's order, so a later GPO's value wins, its `**del.Name`, `**delvals.`,
# `**DeleteValues` and `**DeleteKeys` remove what earlier GPOs set, and every earlier value that
# a later one replaced is kept in the file as overridden (the agent reports it).
#
# Registration (the packages do this when Samba is installed; see docs/gpo-on-linux.md):
#   python3 gp_metalama_ext.py --register [--smb-conf FILE]
#   python3 gp_metalama_ext.py --unregister [--smb-conf FILE]
# The output file is /etc/metalama/group-policy/samba-gpupdate.json unless smb.conf sets
# `metalama:policy file = PATH`.
import json
import os
import re
import sys
import tempfile

from samba.gp.gpclass import gp_pol_ext
from samba.gp.util.logging import log

EXTENSION_GUID = '{EC24F1FE-BB07-4BAA-9B5D-8D561333711A}'
EXTENSION_CLASS = 'gp_metalama_ext'
DEFAULT_OUTPUT = '/etc/metalama/group-policy/samba-gpupdate.json'
FORMAT_VERSION = 1

POLICY_KEY = 'software\\policies\\postsharp\\metalama'
LEVEL_KEYS = {POLICY_KEY: 'mandatory', POLICY_KEY + '\\recommended': 'recommended'}
REG_TYPES = {1: 'REG_SZ', 2: 'REG_EXPAND_SZ', 3: 'REG_BINARY', 4: 'REG_DWORD',
             5: 'REG_DWORD_BIG_ENDIAN', 7: 'REG_MULTI_SZ', 11: 'REG_QWORD'}


def _key_id(key):
    return '\\'.join(part for part in key.lower().split('\\') if part)


def _names(data):
    """The ';'-separated list of a **DeleteValues / **DeleteKeys record."""
    if isinstance(data, bytes):
        data = data.decode('utf-16-le', 'replace')
    return [n.strip().rstrip('\x00') for n in str(data or '').split(';') if n.strip(' \x00')]


def metalama_records(entries):
    """The records of one Registry.pol that can change a Metalama value, in file order, as
    JSON-friendly [key, value name, type, data]: values of our keys, and the commands that can
    delete them (on our keys, or **DeleteKeys on a parent)."""
    out = []
    for e in entries:
        key = _key_id(e.keyname)
        name = e.valuename or ''
        if key in LEVEL_KEYS:
            pass
        elif name.strip().lower() == '**deletekeys' and POLICY_KEY.startswith(key):
            pass
        else:
            continue
        data = e.data
        if isinstance(data, bytes):
            data = list(data)
        elif isinstance(data, list):
            data = [x if isinstance(x, (int, str)) else str(x) for x in data]
        out.append([e.keyname, name, int(e.type), data])
    return out


def resolve(gpos):
    """Applies each GPO's records in order (gpos: list of dicts with guid, name, records) and
    returns (values, deletions): every value still standing with the GPO and rank that set it (a
    later one wins), and what a later GPO deleted."""
    standing = {'mandatory': {}, 'recommended': {}}  # level -> lower name -> [value, ...]
    deletions = []

    def delete(level, lower, by):
        for v in standing[level].pop(lower, []):
            deletions.append({'level': level, 'name': v['name'], 'set_by': v['gpo'],
                              'deleted_by': by['guid'], 'deleted_by_name': by['name']})

    for rank, gpo in enumerate(gpos, start=1):
        for keyname, name, reg_type, data in gpo['records']:
            key = _key_id(keyname)
            lower = name.strip().lower()
            if lower == '**deletekeys':
                for sub in _names(data):
                    target = _key_id(keyname + '\\' + sub)
                    for level_key, level in LEVEL_KEYS.items():
                        if level_key == target or level_key.startswith(target + '\\'):
                            for value_name in list(standing[level]):
                                delete(level, value_name, gpo)
                continue
            level = LEVEL_KEYS.get(key)
            if level is None:
                continue
            if lower.startswith('**del.'):
                delete(level, name.strip()[6:].lower(), gpo)
            elif lower in ('**delvals.', '**delvals'):
                for value_name in list(standing[level]):
                    delete(level, value_name, gpo)
            elif lower == '**deletevalues':
                for value_name in _names(data):
                    delete(level, value_name.lower(), gpo)
            elif lower.startswith('**'):
                continue  # **SecureKey and unknown commands change no value
            else:
                value = {'level': level, 'name': name, 'type': REG_TYPES.get(reg_type, 'type %d' % reg_type),
                         'gpo': gpo['guid'], 'gpo_name': gpo['name'], 'rank': rank}
                if reg_type in (1, 2, 4):
                    value['data'] = data
                # A GPO setting the same value twice keeps its last record.
                values = [v for v in standing[level].get(lower, []) if v['gpo'] != gpo['guid']]
                standing[level][lower] = values + [value]
    values = [v for level in ('mandatory', 'recommended')
              for lst in standing[level].values() for v in lst]
    values.sort(key=lambda v: (v['rank'], v['level'], v['name'].lower()))
    return values, deletions


def write_atomically(path, document):
    """Writes the file next to its final name, flushes it to disk and renames it into place, so
    the agent never reads half a file. Root-owned, 0644, in a 0755 directory."""
    directory = os.path.dirname(path)
    os.makedirs(directory, mode=0o755, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix='.samba-gpupdate.', dir=directory)
    try:
        with os.fdopen(fd, 'w') as f:
            json.dump(document, f, indent=2, sort_keys=True)
            f.write('\n')
            f.flush()
            os.fsync(f.fileno())
        os.chmod(temp, 0o644)
        os.rename(temp, path)
    except BaseException:
        os.unlink(temp)
        raise
    dir_fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


class gp_metalama_ext(gp_pol_ext):
    def __str__(self):
        return 'Metalama'

    def _output(self):
        configured = self.lp.get('metalama:policy file')
        return configured or DEFAULT_OUTPUT

    def _load(self, path):
        try:
            with open(path) as f:
                document = json.load(f)
            if document.get('format') == FORMAT_VERSION:
                return document
            log.warning('Metalama: unknown format in %s; starting afresh' % path)
        except FileNotFoundError:
            pass
        except (OSError, ValueError) as e:
            log.warning('Metalama: cannot read %s (%s); starting afresh' % (path, e))
        return {'format': FORMAT_VERSION, 'gpos': []}

    def _current_gpos(self):
        """samba-gpupdate's own list of the GPOs that apply now, in its order (the one it just
        computed: the extension interface passes only the changed ones), or None when the DC
        cannot be asked (then the order recorded at the last run is kept)."""
        try:
            from samba.gp.gpclass import get_dc_hostname, get_gpo_list
            dc = get_dc_hostname(self.creds, self.lp)
            return get_gpo_list(dc, self.creds, self.lp, self.username)
        except Exception as e:  # the DC went away between samba-gpupdate's query and ours
            log.warning('Metalama: cannot list the GPOs again (%s); keeping the last order' % e)
            return None

    def _records(self, gpo):
        if not gpo.file_sys_path:
            return None
        pol = self.parse(os.path.join(gpo.file_sys_path, 'MACHINE/Registry.pol'))
        return metalama_records(pol.entries) if pol else []

    def process_group_policy(self, deleted_gpo_list, changed_gpo_list, output=None):
        path = output or self._output()
        document = self._load(path)
        kept = {g['guid']: g for g in document.get('gpos', [])}
        current = self._current_gpos()
        order = [g.name for g in current] if current is not None else None
        # Only --unapply lists as deleted a GPO that still applies.
        unapplying = order is not None and any(guid in order for guid, _ in deleted_gpo_list)

        # Deleted: unlinked or removed GPOs, or every GPO on --unapply.
        for guid, settings in deleted_gpo_list:
            self.gp_db.set_guid(guid)
            if guid in kept:
                log.info('Metalama: GPO %s no longer applies; its values are removed' % guid)
                del kept[guid]
            if str(self) in settings:
                for attribute in settings[str(self)]:
                    self.gp_db.delete(str(self), attribute)
            self.gp_db.commit()

        changed = list(changed_gpo_list)
        if not unapplying and current is not None:
            # A GPO linked again keeps its version, so samba-gpupdate does not pass it as
            # changed; it applies all the same (as on Windows), so read it from the cache.
            seen = set(g.name for g in changed)
            changed += [g for g in current if g.name not in kept and g.name not in seen]
        for gpo in changed:
            records = self._records(gpo)
            if records is None:
                continue
            self.gp_db.set_guid(gpo.name)
            if records:
                kept[gpo.name] = {'guid': gpo.name, 'name': gpo.display_name,
                                  'records': records}
                # Recorded so that samba-gpupdate lists this GPO as deleted when it is unlinked.
                self.gp_db.store(str(self), 'records', json.dumps(records))
            else:
                kept.pop(gpo.name, None)
                self.gp_db.delete(str(self), 'records')
            self.gp_db.commit()

        if unapplying:
            kept = {}
        if order is None:
            order = [g['guid'] for g in document.get('gpos', [])]
        position = {guid: i for i, guid in enumerate(order)}
        # A GPO samba-gpupdate no longer lists does not apply, whatever the log says.
        kept = {guid: g for guid, g in kept.items() if guid in position}
        gpos = sorted(kept.values(), key=lambda g: position.get(g['guid'], len(position)))
        values, deletions = resolve(gpos)
        for rank, g in enumerate(gpos, start=1):
            g['rank'] = rank
        new_document = {
            'format': FORMAT_VERSION,
            'writer': 'Metalama client-side extension for samba-gpupdate',
            'realm': self.lp.get('realm') or '',
            'gpos': gpos,
            'values': values,
            'deleted': deletions,
        }
        if new_document != document:
            write_atomically(path, new_document)
            log.info('Metalama: wrote %d value(s) from %d GPO(s) to %s'
                     % (len(values), len(gpos), path))

    def rsop(self, gpo):
        output = {}
        records = self._records(gpo)
        if not records:
            return output
        values, deletions = resolve([{'guid': gpo.name, 'name': gpo.display_name,
                                      'records': records}])
        for v in values:
            section = 'Metalama (%s)' % v['level']
            output.setdefault(section, {})[v['name']] = v.get('data', v['type'])
        for d in deletions:
            output.setdefault('Metalama (%s, deleted)' % d['level'], {})[d['name']] = 'deleted'
        return output


def main(argv):
    import argparse
    from samba.gp.gpclass import register_gp_extension, unregister_gp_extension, \
        list_gp_extensions
    parser = argparse.ArgumentParser(description='Registers the Metalama client-side extension '
                                     'with samba-gpupdate (in Samba\'s gpext.conf).')
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument('--register', action='store_true')
    action.add_argument('--unregister', action='store_true')
    action.add_argument('--status', action='store_true')
    parser.add_argument('--smb-conf', default=None, help='smb.conf to use (default: Samba\'s)')
    args = parser.parse_args(argv)
    if args.register:
        ok = register_gp_extension(EXTENSION_GUID, EXTENSION_CLASS, os.path.abspath(__file__),
                                   smb_conf=args.smb_conf, machine=True, user=False)
    elif args.unregister:
        ok = unregister_gp_extension(EXTENSION_GUID, smb_conf=args.smb_conf)
    else:
        ok = EXTENSION_GUID in list_gp_extensions(args.smb_conf)
        print('registered' if ok else 'not registered')
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
