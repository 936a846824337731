#!/usr/bin/python3
# The samba-gpupdate extension's ordering and delete commands, on records as Samba's PReg parser
# returns them (samba.dcerpc.preg entries). The extension inside samba-gpupdate against a real DC
# runs in scripts/test-ad.sh; this covers the commands that suite does not write.
import importlib.util
import os
import sys
import unittest

from samba.dcerpc import misc, preg

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location(
    'gp_metalama_ext', os.path.join(HERE, '..', '..', 'installer', 'linux', 'samba',
                                    'gp_metalama_ext.py'))
ext = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ext)

KEY = 'Software\\Policies\\PostSharp\\Metalama'
REC = KEY + '\\Recommended'


def entry(key, name, reg_type, data):
    e = preg.entry()
    e.keyname, e.valuename, e.type, e.data = key, name, reg_type, data
    return e


def gpo(guid, *entries):
    return {'guid': guid, 'name': 'GPO ' + guid, 'records': ext.metalama_records(entries)}


def names(values):
    return [(v['level'], v['name'], v.get('data'), v['gpo']) for v in values]


class Resolve(unittest.TestCase):
    def test_later_gpo_wins_and_the_earlier_value_stays_as_overridden(self):
        values, deleted = ext.resolve([
            gpo('A', entry(KEY, 'TelemetryOptOut', misc.REG_DWORD, 0)),
            gpo('B', entry(KEY.upper(), 'telemetryoptout', misc.REG_DWORD, 1))])
        self.assertEqual(names(values), [('mandatory', 'TelemetryOptOut', 0, 'A'),
                                         ('mandatory', 'telemetryoptout', 1, 'B')])
        self.assertEqual([v['rank'] for v in values], [1, 2])
        self.assertEqual(deleted, [])

    def test_a_gpo_setting_a_value_twice_keeps_its_last(self):
        values, _ = ext.resolve([gpo('A', entry(KEY, 'DeviceIdRotationDays', misc.REG_DWORD, 7),
                                     entry(KEY, 'DeviceIdRotationDays', misc.REG_DWORD, 30))])
        self.assertEqual(names(values), [('mandatory', 'DeviceIdRotationDays', 30, 'A')])

    def test_delvals_deletevalues_and_deletekeys_remove_earlier_gpos_values(self):
        a = gpo('A', entry(KEY, 'TelemetryOptOut', misc.REG_DWORD, 1),
                entry(KEY, 'DeviceIdRotationDays', misc.REG_DWORD, 30),
                entry(KEY, 'DeviceIdResetToken', misc.REG_SZ, 'x'),
                entry(REC, 'DisableUsageReporting', misc.REG_DWORD, 1))
        values, deleted = ext.resolve([a, gpo('B', entry(KEY, '**delvals.', misc.REG_SZ, ' '))])
        self.assertEqual(names(values), [('recommended', 'DisableUsageReporting', 1, 'A')])
        self.assertEqual(len(deleted), 3)
        values, _ = ext.resolve([a, gpo('B', entry(KEY, '**DeleteValues', misc.REG_SZ,
                                                   'telemetryoptout;DeviceIdResetToken'))])
        self.assertEqual([v['name'] for v in values],
                         ['DeviceIdRotationDays', 'DisableUsageReporting'])
        # Deleting the PostSharp key deletes Metalama and Recommended below it.
        values, deleted = ext.resolve([a, gpo('B', entry('Software\\Policies\\PostSharp',
                                                         '**DeleteKeys', misc.REG_SZ, 'Metalama'))])
        self.assertEqual(values, [])
        self.assertEqual(deleted[0]['deleted_by'], 'B')

    def test_a_value_set_after_a_delete_in_a_later_gpo_applies(self):
        values, deleted = ext.resolve([
            gpo('A', entry(KEY, 'TelemetryOptOut', misc.REG_DWORD, 0)),
            gpo('B', entry(KEY, '**del.TelemetryOptOut', misc.REG_SZ, ' ')),
            gpo('C', entry(KEY, 'TelemetryOptOut', misc.REG_DWORD, 1))])
        self.assertEqual(names(values), [('mandatory', 'TelemetryOptOut', 1, 'C')])
        self.assertEqual(deleted[0]['set_by'], 'A')

    def test_other_keys_and_types_the_agent_refuses(self):
        records = ext.metalama_records([
            entry('Software\\Policies\\Google\\Chrome', 'MetricsReportingEnabled',
                  misc.REG_DWORD, 0),
            entry(KEY, 'DeviceIdResetToken', misc.REG_BINARY, b'\x01\x02')])
        self.assertEqual(len(records), 1)
        values, _ = ext.resolve([{'guid': 'A', 'name': 'A', 'records': records}])
        self.assertEqual(values[0]['type'], 'REG_BINARY')
        self.assertNotIn('data', values[0])  # the agent refuses it, naming the type


class WriteAtomically(unittest.TestCase):
    def test_root_only_directory_and_world_readable_file(self):
        import tempfile
        with tempfile.TemporaryDirectory() as scratch:
            path = os.path.join(scratch, 'group-policy', 'samba-gpupdate.json')
            ext.write_atomically(path, {'format': 1})
            self.assertEqual(os.stat(path).st_mode & 0o777, 0o644)
            self.assertEqual(os.listdir(os.path.dirname(path)), ['samba-gpupdate.json'])


if __name__ == '__main__':
    result = unittest.main(exit=False, verbosity=1).result
    print('%d passed, %d failed' % (result.testsRun - len(result.failures) - len(result.errors),
                                    len(result.failures) + len(result.errors)))
    sys.exit(0 if result.wasSuccessful() else 1)
