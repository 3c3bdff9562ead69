"""Demo clients: every type in realistic proportions, with addresses, phones, the contacts who
order and who may receive goods (III.12), managers (some clients have none yet: the head's queue,
III.15), and the receivables of their orders, some overdue and some over the limit (III.5)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from clients.models import Client, ClientPhone, ClientType, Contact, Receivable
from demo.seed.common import DEFAULT_LOCALE, aligned, check_locale, money
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

PHONE_LABELS = ["office", "mobile"]
POSITIONS = {"owner": "Owner", "storekeeper": "Storekeeper"}

# The Russian data set: the same draws as the Latin one (each list as long as its Latin twin),
# written as a Moscow distributor's client base is: names with their legal form or kind of
# outlet in «», sole traders as "ИП Фамилия И. О.", contacts by surname, first name and
# patronymic, addresses as Russian post writes them.
RU_NAME_FIRST = [
    "Родник",
    "Колос",
    "Заря",
    "Солнышко",
    "Весна",
    "Лакомка",
    "Север",
    "Ромашка",
    "Теремок",
    "Рябинка",
    "Берёзка",
    "Огонёк",
    "Дубрава",
    "Калинка",
    "Изумруд",
    "Алмаз",
    "Радуга",
    "Витязь",
    "Сокол",
    "Янтарь",
    "Маяк",
    "Простор",
    "Уют",
    "Добрыня",
    "Журавль",
]
# {name}: a word of RU_NAME_FIRST; {person}: a sole trader's surname and initials. An outlet's
# name carries its number, as shops and stalls do ("Киоск «Заря» №12"); a company's legal name
# (ИП, ООО, АО, ТД) and a chain's do not.
RU_NAME_KIND = {
    "market": ["ИП {person}", "Павильон «{name}»", "Палатка «{name}»", "Киоск «{name}»"],
    "retail": ["Магазин «{name}»", "Минимаркет «{name}»", "Продукты «{name}»", "ООО «{name}»"],
    "regional": ["ТД «{name}»", "Оптовая база «{name}»", "ООО «{name}»", "АО «{name}»"],
    "own_outlet": ["Фирменный магазин «{name}»", "Магазин у дома «{name}»"],
    "key": ["Сеть супермаркетов «{name}»", "Гипермаркет «{name}»", "АО «Торговая сеть {name}»"],
}
RU_UNNUMBERED = ("ИП", "ООО", "АО", "ТД", "Сеть")
RU_REGIONS = {
    "regional": ["Тверь", "Тула", "Рязань", "Калуга", "Владимир", "Ярославль", "Смоленск", "Кострома"],
    "other": ["Москва", "Москва", "Москва", "Московская область"],
}
RU_MOSCOW_REGION_TOWNS = [
    "Химки",
    "Мытищи",
    "Балашиха",
    "Подольск",
    "Люберцы",
    "Королёв",
    "Одинцово",
    "Красногорск",
]
# A first name and whether it is a man's or a woman's; surnames and patronymics as (his, hers).
RU_CONTACT_FIRST = [
    ("Иван", "m"),
    ("Мария", "f"),
    ("Пётр", "m"),
    ("Анна", "f"),
    ("Николай", "m"),
    ("Ольга", "f"),
    ("Сергей", "m"),
    ("Елена", "f"),
    ("Михаил", "m"),
    ("Ирина", "f"),
]
RU_CONTACT_LAST = [
    ("Попов", "Попова"),
    ("Сидоров", "Сидорова"),
    ("Кузьмин", "Кузьмина"),
    ("Белов", "Белова"),
    ("Зайцев", "Зайцева"),
    ("Орлов", "Орлова"),
    ("Фролов", "Фролова"),
    ("Гусев", "Гусева"),
    ("Макаров", "Макарова"),
]
RU_PATRONYMICS = [
    ("Сергеевич", "Сергеевна"),
    ("Александрович", "Александровна"),
    ("Иванович", "Ивановна"),
    ("Викторович", "Викторовна"),
    ("Николаевич", "Николаевна"),
    ("Петрович", "Петровна"),
    ("Андреевич", "Андреевна"),
]
RU_TRADER_SURNAMES = [
    ("Сидоров", "Сидорова"),
    ("Кузнецов", "Кузнецова"),
    ("Морозов", "Морозова"),
    ("Васильев", "Васильева"),
    ("Соколов", "Соколова"),
    ("Новиков", "Новикова"),
    ("Фёдоров", "Фёдорова"),
    ("Алиев", "Алиева"),
    ("Лебедев", "Лебедева"),
    ("Козлов", "Козлова"),
]
RU_INITIALS = "АБВГДЕИКЛМНОПРСТЮЯ"
RU_STREETS = [
    "Ленина",
    "Мира",
    "Садовая",
    "Тверская",
    "Профсоюзная",
    "Лесная",
    "Школьная",
    "Советская",
    "Заводская",
    "Полевая",
    "Центральная",
    "Молодёжная",
]
RU_PHONE_LABELS = ["рабочий", "мобильный"]
RU_POSITIONS = {"owner": "Владелец", "storekeeper": "Кладовщик"}

aligned("NAME_FIRST", NAME_FIRST, RU_NAME_FIRST)
aligned("NAME_KIND", NAME_KIND, RU_NAME_KIND)
aligned("REGIONS", REGIONS, RU_REGIONS)
aligned("CONTACT_FIRST", CONTACT_FIRST, RU_CONTACT_FIRST)
aligned("CONTACT_LAST", CONTACT_LAST, RU_CONTACT_LAST)
aligned("STREETS", STREETS, RU_STREETS)


@dataclass(frozen=True)
class ClientWords:
    """How one locale writes a client's name, address, contacts and phones. Each method draws
    from `rng` exactly as the others do (same calls, same list lengths, same order)."""

    locale: str

    def name(self, rng: random.Random, *, code: str, index: int) -> str:
        if self.locale == "en":
            return f"{rng.choice(NAME_FIRST)} {rng.choice(NAME_KIND[code])} #{index + 1}"
        word = rng.choice(RU_NAME_FIRST)
        form = rng.choice(RU_NAME_KIND[code])
        name = form.format(name=word, person=sole_trader(index))
        return name if form.startswith(RU_UNNUMBERED) else f"{name} №{index + 1}"

    def region(self, rng: random.Random, *, code: str) -> str:
        regions = REGIONS if self.locale == "en" else RU_REGIONS
        return rng.choice(regions["regional"] if code == "regional" else regions["other"])

    def address(self, rng: random.Random, *, region: str, index: int) -> str:
        if self.locale == "en":
            return f"{region}, {rng.choice(STREETS)} st. {rng.randint(1, 150)}"
        street = f"ул. {rng.choice(RU_STREETS)}, д. {rng.randint(1, 150)}"
        if region == "Московская область":
            town = RU_MOSCOW_REGION_TOWNS[index % len(RU_MOSCOW_REGION_TOWNS)]
            return f"Московская обл., г. {town}, {street}"
        return f"г. {region}, {street}"

    def phone_label(self, position: int) -> str:
        return (PHONE_LABELS if self.locale == "en" else RU_PHONE_LABELS)[min(position, 1)]

    def position(self, role: str) -> str:
        return (POSITIONS if self.locale == "en" else RU_POSITIONS)[role]

    def contact(self, rng: random.Random, *, number: int) -> str:
        if self.locale == "en":
            return f"{rng.choice(CONTACT_FIRST)} {rng.choice(CONTACT_LAST)}"
        first, gender = rng.choice(RU_CONTACT_FIRST)
        last = rng.choice(RU_CONTACT_LAST)
        form = 0 if gender == "m" else 1
        patronymic = RU_PATRONYMICS[number % len(RU_PATRONYMICS)][form]
        return f"{last[form]} {first} {patronymic}"


def sole_trader(index: int) -> str:
    """A sole trader's surname and initials ("Сидоров А. В."), the same for the same client and
    different for the first thousands of clients; drawn from the index, not the generator."""
    surname = RU_TRADER_SURNAMES[index % len(RU_TRADER_SURNAMES)][(index // len(RU_TRADER_SURNAMES)) % 2]
    turn, letters = index // (2 * len(RU_TRADER_SURNAMES)), len(RU_INITIALS)
    first = RU_INITIALS[turn % letters]
    middle = RU_INITIALS[(turn + turn // letters + 5) % letters]
    return f"{surname} {first}. {middle}."


def pick_type(rng: random.Random) -> str:
    point = rng.uniform(0, 100)
    for code, share in TYPE_SHARES:
        if point < share:
            return code
        point -= share
    return TYPE_SHARES[0][0]


def seed_clients(
    rng: random.Random,
    *,
    count: int,
    seed: int,
    today: date,
    staff: dict[str, User],
    locale: str = DEFAULT_LOCALE,
) -> list[Client]:
    """`count` clients with their managers; returns them as saved, in id order."""
    words = ClientWords(check_locale(locale))
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
        region = words.region(rng, code=code)
        # The draws in this order: name, address, terms, joining day.
        name = words.name(rng, code=code, index=index)
        address = words.address(rng, region=region, index=index)
        client_rows.append(
            Client(
                name=name,
                tax_id=f"77{seed % 100:02d}{index:06d}",
                type=client_type,
                department=department,
                manager=manager,
                region=region,
                address=address,
                # what the client receives (documents, e-mails) is in the data set's language
                language=words.locale,
                credit_limit=limit,
                payment_terms_days=rng.choice([0, 7, 14, 14, 21, 30]) if code != "key" else 45,
                joined_on=today - timedelta(days=rng.randint(30, 4 * 365)),
            )
        )
    for row in client_rows:
        row.set_search_text()
    Client.objects.bulk_create(client_rows, batch_size=1000)
    return list(Client.objects.select_related("type").order_by("id"))


def seed_phones(
    rng: random.Random, client_rows: list[Client], *, seed: int, locale: str = DEFAULT_LOCALE
) -> list[ClientPhone]:
    """One or two phones per client, unique across the data set."""
    words = ClientWords(check_locale(locale))
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
                    label=words.phone_label(position),
                )
            )
    # Numbers are unique by construction per prefix; drop the rare collision across prefixes.
    seen: set[str] = set()
    phones = [p for p in phones if not (p.number in seen or seen.add(p.number))]
    ClientPhone.objects.bulk_create(phones, batch_size=2000)
    return phones


def seed_contacts(
    rng: random.Random, client_rows: list[Client], *, seed: int, locale: str = DEFAULT_LOCALE
) -> list[Contact]:
    """Contacts: who orders and who may receive the goods (III.12)."""
    words = ClientWords(check_locale(locale))
    contacts = []
    for client in client_rows:
        # Every client has someone authorised to receive goods: the owner, or a storekeeper.
        if rng.random() < 0.5:
            people = [("owner", True)]
        else:
            people = [("owner", rng.random() < 0.3), ("storekeeper", True)]
        for role, may_receive in people:
            contacts.append(
                Contact(
                    client=client,
                    name=words.contact(rng, number=len(contacts)),
                    position=words.position(role),
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
