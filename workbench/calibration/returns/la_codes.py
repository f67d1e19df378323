"""DfE's three-digit local authority codes (LEA) beside the ONS codes and names of England's
children's services authorities: returns that name their authority in two ways (a CIN census's
header ``LEA`` 840, a workforce census's LA column ``E06000047`` or ``Durham County Council``)
are one authority's, where they were refused as "returns of 2 authorities".

The table is the Department's, as its dfeR package lists it (data-raw/old_la_codes.csv, built
from Get Information about Schools' "Local authority name and associated codes" and the
explore-education-statistics screener's las.csv), English authorities only, including those
the reorganisations of 2019 to 2023 replaced. A code that is not in it (a test return's 999,
a Welsh authority's) stands for itself.
"""

from __future__ import annotations

import re

#: "LEA ONS name", one authority a line (an authority that became a unitary authority keeping
#: its three-digit code, as Buckinghamshire, North Yorkshire and Somerset, is on two lines)
_TABLE = """
889 E06000008 Blackburn with Darwen
807 E06000003 Redcar and Cleveland
805 E06000001 Hartlepool
808 E06000004 Stockton-on-Tees
806 E06000002 Middlesbrough
841 E06000005 Darlington
877 E06000007 Warrington
876 E06000006 Halton
890 E06000009 Blackpool
813 E06000013 North Lincolnshire
812 E06000012 North East Lincolnshire
892 E06000018 Nottingham
857 E06000017 Rutland
831 E06000015 Derby
810 E06000010 Kingston upon Hull, City of
884 E06000019 Herefordshire, County of
811 E06000011 East Riding of Yorkshire
856 E06000016 Leicester
816 E06000014 York
802 E06000024 North Somerset
894 E06000020 Telford and Wrekin
861 E06000021 Stoke-on-Trent
879 E06000026 Plymouth
800 E06000022 Bath and North East Somerset
801 E06000023 Bristol, City of
837 E06000028 Bournemouth
836 E06000029 Poole
874 E06000031 Peterborough
803 E06000025 South Gloucestershire
866 E06000030 Swindon
821 E06000032 Luton
880 E06000027 Torbay
882 E06000033 Southend-on-Sea
846 E06000043 Brighton and Hove
851 E06000044 Portsmouth
872 E06000041 Wokingham
852 E06000045 Southampton
870 E06000038 Reading
867 E06000036 Bracknell Forest
871 E06000039 Slough
868 E06000040 Windsor and Maidenhead
869 E06000037 West Berkshire
883 E06000034 Thurrock
826 E06000042 Milton Keynes
921 E06000046 Isle of Wight
895 E06000049 Cheshire East
840 E06000047 County Durham
887 E06000035 Medway
896 E06000050 Cheshire West and Chester
893 E06000051 Shropshire
908 E06000052 Cornwall
865 E06000054 Wiltshire
420 E06000053 Isles of Scilly
822 E06000055 Bedford
929 E06000057 Northumberland
873 E10000003 Cambridgeshire
825 E10000002 Buckinghamshire
909 E10000006 Cumbria
823 E06000056 Central Bedfordshire
830 E10000007 Derbyshire
878 E10000008 Devon
881 E10000012 Essex
835 E10000009 Dorset
845 E10000011 East Sussex
916 E10000013 Gloucestershire
850 E10000014 Hampshire
919 E10000015 Hertfordshire
886 E10000016 Kent
888 E10000017 Lancashire
855 E10000018 Leicestershire
925 E10000019 Lincolnshire
926 E10000020 Norfolk
815 E10000023 North Yorkshire
928 E10000021 Northamptonshire
891 E10000024 Nottinghamshire
931 E10000025 Oxfordshire
933 E10000027 Somerset
935 E10000029 Suffolk
860 E10000028 Staffordshire
936 E10000030 Surrey
937 E10000031 Warwickshire
938 E10000032 West Sussex
351 E08000002 Bury
352 E08000003 Manchester
885 E10000034 Worcestershire
353 E08000004 Oldham
356 E08000007 Stockport
354 E08000005 Rochdale
355 E08000006 Salford
350 E08000001 Bolton
357 E08000008 Tameside
358 E08000009 Trafford
370 E08000016 Barnsley
359 E08000010 Wigan
343 E08000014 Sefton
330 E08000025 Birmingham
371 E08000017 Doncaster
394 E08000024 Sunderland
342 E08000013 St. Helens
341 E08000012 Liverpool
373 E08000019 Sheffield
393 E08000023 South Tyneside
392 E08000022 North Tyneside
391 E08000021 Newcastle upon Tyne
372 E08000018 Rotherham
340 E08000011 Knowsley
332 E08000027 Dudley
331 E08000026 Coventry
344 E08000015 Wirral
202 E09000007 Camden
305 E09000006 Bromley
380 E08000032 Bradford
384 E08000036 Wakefield
335 E08000030 Walsall
382 E08000034 Kirklees
201 E09000001 City of London
303 E09000004 Bexley
302 E09000003 Barnet
334 E08000029 Solihull
333 E08000028 Sandwell
304 E09000005 Brent
383 E08000035 Leeds
306 E09000008 Croydon
390 E08000037 Gateshead
336 E08000031 Wolverhampton
301 E09000002 Barking and Dagenham
381 E08000033 Calderdale
313 E09000018 Hounslow
203 E09000011 Greenwich
314 E09000021 Kingston upon Thames
311 E09000016 Havering
317 E09000026 Redbridge
310 E09000015 Harrow
308 E09000010 Enfield
309 E09000014 Haringey
205 E09000013 Hammersmith and Fulham
207 E09000020 Kensington and Chelsea
316 E09000025 Newham
315 E09000024 Merton
209 E09000023 Lewisham
204 E09000012 Hackney
206 E09000019 Islington
307 E09000009 Ealing
208 E09000022 Lambeth
312 E09000017 Hillingdon
318 E09000027 Richmond upon Thames
210 E09000028 Southwark
213 E09000033 Westminster
320 E09000031 Waltham Forest
319 E09000029 Sutton
211 E09000030 Tower Hamlets
212 E09000032 Wandsworth
839 E06000058 Bournemouth, Christchurch and Poole
838 E06000059 Dorset
825 E06000060 Buckinghamshire
940 E06000061 North Northamptonshire
941 E06000062 West Northamptonshire
942 E06000063 Cumberland
943 E06000064 Westmorland and Furness
815 E06000065 North Yorkshire
933 E06000066 Somerset
"""

_ONS = re.compile(r"E\d{8}")
#: Words a council or a system adds to, or leaves out of, an authority's name
_DROP = {"council", "county", "city", "of", "the", "borough", "metropolitan", "royal",
         "london", "district", "mbc", "cc", "lbc"}


def name_key(name: str) -> str:
    """An authority's name for matching: lower case, "&" as "and", no punctuation, without
    the words a council adds ("Durham County Council" and "County Durham" are "durham")."""
    s = re.sub(r"[^\w\s]", " ", str(name).casefold().replace("&", " and "))
    return " ".join(w for w in s.split() if w not in _DROP)


def _tables() -> tuple[dict[str, str], dict[str, set]]:
    ons, names = {}, {}
    for line in _TABLE.strip().splitlines():
        lea, code, name = line.split(" ", 2)
        ons[code] = lea
        if name_key(name):
            names.setdefault(name_key(name), set()).add(lea)
    return ons, names


ONS_TO_LEA, NAME_TO_LEA = _tables()
# names councils use that are not the table's: Hull's, and BCP's short name
NAME_TO_LEA.update({"hull": {"810"}, "bcp": {"839"}})


def lea_of(code: str) -> str:
    """The three-digit code an authority's code or name stands for (``E06000047``, ``840``
    and ``Durham County Council`` are ``840``); the code itself when it is not in the table,
    or when its name is two authorities' (Dorset before and after 2019)."""
    s = str(code).strip()
    if s.isdigit():
        return s.lstrip("0") or s
    if _ONS.fullmatch(s.upper()):
        return ONS_TO_LEA.get(s.upper(), s.upper())
    leas = NAME_TO_LEA.get(name_key(s), set())
    return next(iter(leas)) if len(leas) == 1 else s
