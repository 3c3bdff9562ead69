"""Demo clients: every type in realistic proportions, with addresses, phones, the contacts who
order and who may receive goods (III.12), managers (some clients have none yet: the head's queue,
III.15), and the receivables of their orders, some overdue and some over the limit (III.5)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from clients.models import Client, ClientPhone, ClientType, Contact, Receivable
from demo.seed.common import money
from orders.models import Order
from staff.models import User

# Client types in realistic proportions for a wholesale food-and-drink distributor.
TYPE_SHARES = [("market", 45), ("retail", 25), ("regional", 15), ("own_outlet", 8), ("key", 7)]

NAME_FIRST = [
    "Rodnik",
    "Kolos",
    "Zarya",
    "Solnyshko",
    "Vesna",
    "Lakomka",
    "Sever",
    "Yug",
    "Teremok",
    "Ryabinka",
    "Berezka",
    "Ogonyok",
    "Dubrava",
    "Kalinka",
    "Izumrud",
    "Almaz",
    "Raduga",
    "Vityaz",
    "Sokol",
    "Yantar",
    "Mayak",
    "Prostor",
    "Uyut",
    "Dobrynya",
    "Zhuravl",
]
NAME_KIND = {
    "market": ["stall", "pavilion", "market trader", "kiosk"],
    "retail": ["shop", "minimarket", "grocery", "store"],
    "regional": ["Trading House", "wholesale depot", "distribution", "trading"],
    "own_outlet": ["outlet", "brand shop"],
    "key": ["supermarket chain", "hypermarket", "retail chain"],
}
REGIONS = {
    "regional": ["Tver", "Tula", "Ryazan", "Kaluga", "Vladimir", "Yaroslavl", "Smolensk", "Kostroma"],
    "other": ["Moscow", "Moscow", "Moscow", "Moscow region"],
}
CONTACT_FIRST = ["Ivan", "Maria", "Pyotr", "Anna", "Nikolai", "Olga", "Sergey", "Elena", "Mikhail", "Irina"]
CONTACT_LAST = ["Popov", "Sidorova", "Kuzmin", "Belova", "Zaitsev", "Orlova", "Frolov", "Guseva", "Makarov"]
STREETS = [
    "Lenina",
    "Mira",
    "Sadovaya",
    "Tverskaya",
    "Profsoyuznaya",
    "Lesnaya",
    "Shkolnaya",
    "Sovetskaya",
    "Zavodskaya",
    "Polevaya",
    "Tsentralnaya",
    "Molodezhnaya",
]


def pick_type(rng: random.Random) -> str:
    point = rng.uniform(0, 100)
    for code, share in TYPE_SHARES:
        if point < share:
            return code
        point -= share
    return TYPE_SHARES[0][0]


def seed_clients(
    rng: random.Random, *, count: int, seed: int, today: date, staff: dict[str, User]
) -> list[Client]:
    """`count` clients with their managers; returns them as saved, in id order."""
    types = {t.code: t for t in ClientType.objects.select_related("department")}
    managers_of = {
        "wholesale": [staff["manager"], staff["manager2"]],
        "key": [staff["kam"], staff["kam2"]],
        "retail": [staff["retail1"], staff["retail2"]],
        "regional": [staff["regional1"], staff["regional2"]],
    }
    client_rows: list[Client] = []
    for index in range(count):
        code = pick_type(rng)
        client_type = types[code]
        department = client_type.department
        if code == "key":
            manager = rng.choice(managers_of["key"])
        elif rng.random() < 0.08:
            manager = None  # a new client: the department head assigns a manager (III.15)
        else:
            manager = rng.choice(managers_of.get(department.code, managers_of["wholesale"]))
        if code == "key":
            limit = None if rng.random() < 0.5 else money(rng.choice([1_000_000, 2_000_000, 5_000_000]))
        else:
            limit = rng.choice(
                [
                    None,
                    money(0),
                    money(30_000),
                    money(50_000),
                    money(100_000),
                    money(200_000),
                    money(300_000),
                    money(500_000),
                ]
            )
        region = rng.choice(REGIONS["regional"] if code == "regional" else REGIONS["other"])
        client_rows.append(
            Client(
                name=f"{rng.choice(NAME_FIRST)} {rng.choice(NAME_KIND[code])} #{index + 1}",
                tax_id=f"77{seed % 100:02d}{index:06d}",
                type=client_type,
                department=department,
                manager=manager,
                region=region,
                address=f"{region}, {rng.choice(STREETS)} st. {rng.randint(1, 150)}",
                credit_limit=limit,
                payment_terms_days=rng.choice([0, 7, 14, 14, 21, 30]) if code != "key" else 45,
                joined_on=today - timedelta(days=rng.randint(30, 4 * 365)),
            )
        )
    Client.objects.bulk_create(client_rows, batch_size=1000)
    return list(Client.objects.select_related("type").order_by("id"))


def seed_phones(rng: random.Random, client_rows: list[Client], *, seed: int) -> list[ClientPhone]:
    """One or two phones per client, unique across the data set."""
    phones: list[ClientPhone] = []
    phone_number = 0
    for client in client_rows:
        for position in range(1 if rng.random() < 0.7 else 2):
            phone_number += 1
            prefix = rng.choice(["495", "499", "916", "926", "903", "985"])
            phones.append(
                ClientPhone(
                    client=client,
                    number=f"+7{prefix}{(seed * 7919 + phone_number * 104729) % 10_000_000:07d}",
                    label="office" if position == 0 else "mobile",
                )
            )
    # Numbers are unique by construction per prefix; drop the rare collision across prefixes.
    seen: set[str] = set()
    phones = [p for p in phones if not (p.number in seen or seen.add(p.number))]
    ClientPhone.objects.bulk_create(phones, batch_size=2000)
    return phones


def seed_contacts(rng: random.Random, client_rows: list[Client], *, seed: int) -> list[Contact]:
    """Contacts: who orders and who may receive the goods (III.12)."""
    contacts = []
    for client in client_rows:
        # Every client has someone authorised to receive goods: the owner, or a storekeeper.
        if rng.random() < 0.5:
            people = [("Owner", True)]
        else:
            people = [("Owner", rng.random() < 0.3), ("Storekeeper", True)]
        for position, may_receive in people:
            contacts.append(
                Contact(
                    client=client,
                    name=f"{rng.choice(CONTACT_FIRST)} {rng.choice(CONTACT_LAST)}",
                    position=position,
                    phone=f"+7916{(seed * 31 + len(contacts) * 7907) % 10_000_000:07d}",
                    may_receive_goods=may_receive,
                )
            )
    Contact.objects.bulk_create(contacts, batch_size=2000)
    return contacts


def seed_receivables(
    rng: random.Random, client_rows: list[Client], orders: list[Order], *, today: date
) -> list[Receivable]:
    """An invoice per delivered order of the last 120 days. Most are paid on time; some clients
    pay late (overdue) and some run past their limit (III.5)."""
    late_payers = {c.pk for c in client_rows if rng.random() < 0.12}
    receivables: list[Receivable] = []
    terms = {c.pk: c.payment_terms_days for c in client_rows}
    for order in orders:
        if order.status not in (Order.Status.DELIVERED, Order.Status.IN_FULFILMENT, Order.Status.CONFIRMED):
            continue
        issued = order.delivery_date
        if issued is None or (today - issued).days > 120 or issued > today:
            continue
        due = issued + timedelta(days=terms[order.client_id])
        if due >= today:
            paid = money(0) if rng.random() < 0.7 else money(order.total * Decimal("0.5"))
        elif order.client_id in late_payers:
            paid = money(0) if rng.random() < 0.6 else money(order.total * Decimal("0.3"))
        else:
            paid = order.total
        receivables.append(
            Receivable(
                client_id=order.client_id,
                document=f"INV-{order.number}",
                issued_on=issued,
                due_on=due,
                amount=order.total,
                paid=paid,
            )
        )
    Receivable.objects.bulk_create(receivables, batch_size=5000)
    return receivables
