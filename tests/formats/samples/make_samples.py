#!/usr/bin/python3
"""Writes the sample files the describe tests read, shaped like what regedit,
GPMC and secedit produce. Independent of gpoc: the security descriptor bytes are
laid out here from [MS-DTYP] 2.4.6 and the .reg hex wrapping follows regedit's
export rule, so test_describe can also check gpoc's writer against this file.
Run it from this directory; the outputs are committed as test data."""

import struct


def sid(authority, *subs):
    return struct.pack("<BB", 1, len(subs)) + authority.to_bytes(6, "big") + b"".join(
        struct.pack("<I", s) for s in subs)


def ace(mask, sid_bytes, ace_type=0, flags=0):
    return struct.pack("<BBHI", ace_type, flags, 8 + len(sid_bytes), mask) + sid_bytes


def descriptor(owner, group, aces):
    body = b"".join(aces)
    dacl = struct.pack("<BBHHH", 2, 0, 8 + len(body), len(aces), 0) + body
    off_dacl = 20
    off_owner = off_dacl + len(dacl)
    off_group = off_owner + len(owner)
    header = struct.pack("<BBHIIII", 1, 0, 0x8004, off_owner, off_group, 0, off_dacl)
    return header + dacl + owner + group


BA = sid(5, 32, 544)
WD = sid(1, 0)
DCU = sid(5, 32, 562)
LU = sid(5, 32, 559)
AN = sid(5, 7)

# O:BAG:BAD:(A;;CCDCLCSWRP;;;BA)(A;;CCDCSW;;;WD)(A;;CCDCLCSWRP;;;S-1-5-32-562)(A;;CCDCLCSWRP;;;LU)
LAUNCH = descriptor(BA, BA, [ace(0x1F, BA), ace(0x0B, WD), ace(0x1F, DCU), ace(0x1F, LU)])
# O:BAG:BAD:(A;;CCDCLC;;;WD)(A;;CCDC;;;AN)(A;;CCDCLC;;;S-1-5-32-562)(A;;CCDCLC;;;LU)
ACCESS = descriptor(BA, BA, [ace(0x07, WD), ace(0x03, AN), ace(0x07, DCU), ace(0x07, LU)])


def reg_hex_lines(prefix, data):
    """regedit's export: after a byte and its comma, once the line has 77
    characters, a backslash, CRLF and two spaces."""
    out = prefix
    col = len(prefix)
    for i, b in enumerate(data):
        out += "%02x" % b
        if i + 1 == len(data):
            break
        out += ","
        col += 3
        if col >= 77:
            out += "\\\r\n  "
            col = 2
    return out


def utf16(s):
    return b"\xff\xfe" + s.encode("utf-16-le")


def write_reg5():
    lines = ["Windows Registry Editor Version 5.00", "",
             "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Ole]",
             '"EnableDCOM"="Y"',
             '"LegacyAuthenticationLevel"=dword:00000002',
             reg_hex_lines('"MachineAccessRestriction"=hex:', ACCESS),
             reg_hex_lines('"MachineLaunchRestriction"=hex:', LAUNCH),
             "",
             "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Ole\\AppCompat]",
             '"RequireIntegrityActivationAuthenticationLevel"=dword:00000001',
             "", ""]
    with open("ole-export.reg", "wb") as f:
        f.write(utf16("\r\n".join(lines)))


def write_regedit4():
    text = ("REGEDIT4\r\n\r\n"
            "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso\\Agent]\r\n"
            "\"Path\"=hex(2):25,53,79,73,74,65,6d,52,6f,6f,74,25,5c,61,67,65,6e,74,00\r\n"
            "\"Servers\"=hex(7):61,2e,63,6f,6e,74,6f,73,6f,2e,63,6f,6d,00,62,2e,63,6f,6e,\\\r\n"
            "  74,6f,73,6f,2e,63,6f,6d,00,00\r\n"
            "\"Label\"=\"Monitoring \\\"agent\\\"\"\r\n"
            "\"Limit\"=hex(b):00,10,00,00,00,00,00,00\r\n"
            "\"Old\"=-\r\n\r\n"
            "[-HKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso\\Legacy]\r\n\r\n")
    with open("agent-regedit4.reg", "wb") as f:
        f.write(text.encode("utf-8"))


def pol_entry(key, name, rtype, data):
    def s(x):
        return x.encode("utf-16-le") + b"\0\0"
    return ("[".encode("utf-16-le") + s(key) + ";".encode("utf-16-le") + s(name) + ";".encode("utf-16-le")
            + struct.pack("<I", rtype) + ";".encode("utf-16-le") + struct.pack("<I", len(data))
            + ";".encode("utf-16-le") + data + "]".encode("utf-16-le"))


def sz(text):
    return text.encode("utf-16-le") + b"\0\0"


def write_pol():
    dcom = "Software\\Policies\\Microsoft\\Windows NT\\DCOM"
    launch = ("O:BAG:BAD:(A;;CCDCLCSWRP;;;BA)(A;;CCDCSW;;;WD)(A;;CCDCLCSWRP;;;S-1-5-32-562)"
              "(A;;CCDCLCSWRP;;;LU)")
    body = b"PReg" + struct.pack("<I", 1)
    body += pol_entry(dcom, "MachineLaunchRestriction", 1, sz(launch))
    body += pol_entry(dcom, "**del.MachineAccessRestriction", 1, sz(" "))
    body += pol_entry("Software\\Policies\\Contoso", "**delvals.", 1, sz(" "))
    body += pol_entry("Software\\Policies\\Contoso", "**DeleteValues", 1, sz("Alpha;Beta"))
    body += pol_entry("Software\\Policies\\Contoso", "**DeleteKeys", 1, sz("Old;Older"))
    body += pol_entry("Software\\Policies\\Contoso", "**SecureKey", 4, struct.pack("<I", 1))
    body += pol_entry("Software\\Policies\\Contoso", "Level", 4, struct.pack("<I", 3))
    body += pol_entry("Software\\Policies\\Contoso", "**soft.Mode", 1, sz("auto"))
    # What a foreign tool may leave: odd-length string data, no terminator.
    body += pol_entry("Software\\Policies\\Contoso", "Odd", 1, b"a\0b")
    body += pol_entry("Software\\Policies\\Contoso", "NoNul", 1, "xy".encode("utf-16-le"))
    with open("Registry.pol", "wb") as f:
        f.write(body)


def write_inf():
    lines = ["[Unicode]", "Unicode=yes",
             "[Registry Values]",
             "MACHINE\\Software\\Policies\\Microsoft\\Windows NT\\DCOM\\MachineAccessRestriction=1,"
             "\"O:BAG:BAD:(A;;CCDCLC;;;WD)(A;;CCDC;;;AN)(A;;CCDCLC;;;S-1-5-32-562)(A;;CCDCLC;;;LU)\"",
             "MACHINE\\System\\CurrentControlSet\\Control\\Lsa\\NoLMHash=4,1",
             "MACHINE\\Software\\Microsoft\\Windows NT\\CurrentVersion\\Winlogon\\LegalNoticeText=7,"
             "Authorized use only,\"Contact: it@contoso.com\"",
             "[Privilege Rights]",
             "SeNetworkLogonRight = *S-1-1-0,*S-1-5-32-544,*S-1-5-32-562",
             "[Group Membership]",
             "*S-1-5-32-562__Memberof =",
             "*S-1-5-32-562__Members = *S-1-5-21-1004336348-1177238915-682003330-1107,CONTOSO\\Monitoring",
             "[Version]", "signature=\"$CHICAGO$\"", "Revision=1", ""]
    with open("GptTmpl.inf", "wb") as f:
        f.write(utf16("\r\n".join(lines)))


if __name__ == "__main__":
    write_reg5()
    write_regedit4()
    write_pol()
    write_inf()
    with open("launch.bin", "wb") as f:
        f.write(LAUNCH)
    with open("launch.hex", "w") as f:
        f.write(",".join("%02x" % b for b in LAUNCH) + "\n")
