"""Wards for the benchmarks, written straight into the database (fast, in bulk): each ward
has its People's Committee (the authority, under the seeded city), a standing body, a few
proposing units each with a unit officer, a council of five (chairman, vice-chairman,
standing secretary, two members: each a user with a person), the standing officer, and as
many people as the benchmark will nominate (one nomination per person: no eligibility
conflict between two open nominations of the same person)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import insert, select

from domain.vocabulary import CouncilRole, Gender, Level, Role, UnitKind
from models import Authority, Council, CouncilMember, Person, RoleGrant, Unit, User
from thidua.db import SessionFactory, transaction

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương"]
MIDDLE = ["Văn", "Thị", "Minh", "Thu", "Quốc", "Thanh", "Ngọc", "Đức", "Hải", "Kim"]
GIVEN = [
    "Hoa",
    "Minh",
    "Hương",
    "Bảo",
    "Thủy",
    "Lan",
    "Tuấn",
    "Nam",
    "Hà",
    "Sơn",
    "Quân",
    "Mai",
    "Phúc",
    "Trang",
    "Dũng",
    "Yến",
    "Khôi",
    "Linh",
    "Long",
    "Nga",
]
PROPOSING_UNITS = [
    ("van-phong", "Văn phòng HĐND và UBND phường", UnitKind.OFFICE),
    ("kinh-te", "Phòng Kinh tế, Hạ tầng và Đô thị", UnitKind.OFFICE),
    ("ttdv", "Trung tâm dịch vụ sự nghiệp công", UnitKind.PUBLIC_SERVICE),
    ("tdp-1", "Tổ dân phố số 1", UnitKind.RESIDENTIAL_GROUP),
]
MEMBERS = [
    ("chutich", "Chủ tịch UBND phường", CouncilRole.CHAIR, (Role.CHAIRMAN,)),
    ("phochutich", "Phó Chủ tịch UBND phường", CouncilRole.VICE_CHAIR, (Role.VICE_CHAIRMAN,)),
    (
        "uyvien-vhxh",
        "Trưởng phòng Văn hóa - Xã hội",
        CouncilRole.SECRETARY,
        (Role.STANDING_OFFICER,),
    ),
    ("uyvien-mttq", "Chủ tịch Ủy ban MTTQ phường", CouncilRole.MEMBER, ()),
    ("uyvien-xdd", "Trưởng Ban Xây dựng Đảng", CouncilRole.MEMBER, ()),
]


def person_name(index: int) -> str:
    return (
        f"{FAMILY[index % len(FAMILY)]} {MIDDLE[(index // len(FAMILY)) % len(MIDDLE)]} "
        f"{GIVEN[(index // (len(FAMILY) * len(MIDDLE))) % len(GIVEN)]}"
    )


@dataclass
class Ward:
    number: int
    authority_id: int
    unit_id: int
    standing_unit_id: int
    council_id: int
    standing_user_id: int  # the standing officer (thường trực) who receives and drafts
    chairman_user_id: int
    member_user_ids: list[int]  # the five council members (users)
    unit_officers: dict[int, int]  # proposing unit id → its officer's user id
    people: list[tuple[int, int]] = field(default_factory=list)  # (person id, unit id)
    clerk_user_id: int = 0  # the văn thư who issues what the chairman signed (Decree 30)


async def build_wards(
    factory: SessionFactory, wards: int, people_per_ward: int, *, tag: str = "bw"
) -> list[Ward]:
    """``wards`` wards with ``people_per_ward`` nominable people each."""
    from thidua.security import hash_password

    password_hash = hash_password("thidua2026")  # one hash for every generated user (slow)
    built: list[Ward] = []
    async with transaction(factory) as session:
        city = (
            (await session.execute(select(Authority).where(Authority.level == Level.CITY)))
            .scalars()
            .first()
        )
        assert city is not None, "the demo seed (with its city) must be loaded first"
        for number in range(1, wards + 1):
            code = f"{tag}{number:03d}"
            place = f"Thử Nghiệm {number}"
            committee = Unit(
                code=f"{code}-ubnd",
                name=f"Ủy ban nhân dân phường {place}",
                short_name=f"UBND phường {place}",
                kind=UnitKind.PEOPLES_COMMITTEE,
                level=Level.WARD,
                parent_id=city.unit_id,
            )
            session.add(committee)
            await session.flush()
            standing = Unit(
                code=f"{code}-vhxh",
                name="Phòng Văn hóa - Xã hội",
                short_name="Phòng VH-XH",
                kind=UnitKind.OFFICE,
                level=Level.WARD,
                parent_id=committee.id,
            )
            proposing = [
                Unit(
                    code=f"{code}-{suffix}",
                    name=name,
                    short_name=name,
                    kind=kind,
                    level=Level.WARD,
                    parent_id=committee.id,
                )
                for suffix, name, kind in PROPOSING_UNITS
            ]
            session.add_all([standing, *proposing])
            await session.flush()
            authority = Authority(
                level=Level.WARD,
                unit_id=committee.id,
                name=f"Ủy ban nhân dân phường {place}",
                header_lines=["ỦY BAN NHÂN DÂN", f"PHƯỜNG {place.upper()}"],
                place_name=place,
                head_title=f"CHỦ TỊCH ỦY BAN NHÂN DÂN PHƯỜNG {place.upper()}",
                decision_code="QĐ-UBND",
                submission_code="TTr-UBND",
                standing_unit_id=standing.id,
                parent_authority_id=city.id,
            )
            council = None
            session.add(authority)
            await session.flush()
            council = Council(
                authority_id=authority.id, name=f"Hội đồng Thi đua - Khen thưởng phường {place}"
            )
            session.add(council)
            await session.flush()

            member_users: list[User] = []
            grants: list[dict] = []
            for index, (role_code, position, council_role, roles) in enumerate(MEMBERS):
                person = Person(
                    full_name=person_name(number * 7 + index),
                    gender=Gender.MALE,
                    birth_year=1975,
                    position=position,
                    unit_id=committee.id,
                )
                session.add(person)
                await session.flush()
                user = User(
                    username=f"{code}.{role_code}",
                    full_name=person.full_name,
                    password_hash=password_hash,
                    person_id=person.id,
                )
                session.add(user)
                await session.flush()
                member_users.append(user)
                session.add(
                    CouncilMember(
                        council_id=council.id,
                        user_id=user.id,
                        council_role=council_role,
                        title=position,
                    )
                )
                grants.append(
                    dict(
                        user_id=user.id,
                        role=Role.COUNCIL_MEMBER,
                        unit_id=committee.id,
                        level=Level.WARD,
                    )
                )
                for role in roles:
                    unit_id = standing.id if role == Role.STANDING_OFFICER else committee.id
                    grants.append(
                        dict(user_id=user.id, role=role, unit_id=unit_id, level=Level.WARD)
                    )
            standing_user = User(
                username=f"{code}.thuongtruc",
                full_name=person_name(number * 7 + 5),
                password_hash=password_hash,
            )
            clerk_user = User(
                username=f"{code}.vanthu",
                full_name=person_name(number * 7 + 11),
                password_hash=password_hash,
            )
            officers = [
                User(
                    username=f"{code}.canbo-{suffix}",
                    full_name=person_name(number * 7 + 6),
                    password_hash=password_hash,
                )
                for suffix, _, _ in PROPOSING_UNITS
            ]
            session.add_all([standing_user, clerk_user, *officers])
            await session.flush()
            grants.append(
                dict(user_id=clerk_user.id, role=Role.CLERK, unit_id=committee.id, level=Level.WARD)
            )
            grants.append(
                dict(
                    user_id=standing_user.id,
                    role=Role.STANDING_OFFICER,
                    unit_id=standing.id,
                    level=Level.WARD,
                )
            )
            grants += [
                dict(user_id=o.id, role=Role.UNIT_OFFICER, unit_id=u.id, level=Level.WARD)
                for o, u in zip(officers, proposing, strict=True)
            ]
            await session.execute(insert(RoleGrant), grants)

            rows = [
                dict(
                    full_name=person_name(number * people_per_ward + i),
                    gender=Gender.FEMALE if i % 2 else Gender.MALE,
                    birth_year=1980 + i % 20,
                    position="Chuyên viên",
                    unit_id=proposing[i % len(proposing)].id,
                    is_official=True,
                )
                for i in range(people_per_ward)
            ]
            people: list[tuple[int, int]] = []
            for start in range(0, len(rows), 1000):
                chunk = rows[start : start + 1000]
                ids = (
                    await session.execute(
                        insert(Person).returning(Person.id, Person.unit_id), chunk
                    )
                ).all()
                people += [(row[0], row[1]) for row in ids]
            built.append(
                Ward(
                    number=number,
                    authority_id=authority.id,
                    unit_id=committee.id,
                    standing_unit_id=standing.id,
                    council_id=council.id,
                    standing_user_id=standing_user.id,
                    chairman_user_id=member_users[0].id,
                    member_user_ids=[u.id for u in member_users],
                    unit_officers={u.id: o.id for o, u in zip(officers, proposing, strict=True)},
                    people=people,
                    clerk_user_id=clerk_user.id,
                )
            )
    return built
