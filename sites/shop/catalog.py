"""Static catalogue material the seed draws from (categories, base items, people, review text)."""

from __future__ import annotations

from typing import NamedTuple


class BaseItem(NamedTuple):
    """A kind of product; the seed makes two variants of it (e.g. "Blue" and "Green")."""

    noun: str
    variants: tuple[str, ...]
    min_price: float
    max_price: float
    blurb: str


class Category(NamedTuple):
    slug: str
    name: str
    description: str
    items: tuple[BaseItem, ...]


COLOURS = ("Blue", "Green", "Red", "Black", "White", "Grey", "Yellow", "Navy", "Teal", "Coral")

CATEGORIES: tuple[Category, ...] = (
    Category(
        "kitchen",
        "Kitchen",
        "Cookware, tableware and everything for the heart of the home.",
        (
            BaseItem("Ceramic Mug", COLOURS, 8, 18, "holds 350 ml and is dishwasher safe"),
            BaseItem(
                "Cast Iron Skillet",
                ("Classic", "Enamelled", "Pre-seasoned"),
                25,
                60,
                "heats evenly and goes from hob to oven",
            ),
            BaseItem(
                "Bamboo Cutting Board",
                ("Large", "Small", "Reversible"),
                12,
                35,
                "is gentle on knife edges",
            ),
            BaseItem(
                "Glass Teapot",
                ("Clear", "Smoked", "Frosted"),
                18,
                40,
                "comes with a removable stainless infuser",
            ),
            BaseItem(
                "Chef's Knife",
                ("Damascus", "Stainless", "Carbon Steel"),
                30,
                120,
                "has a full tang and a balanced handle",
            ),
            BaseItem(
                "Mixing Bowl Set",
                ("Stainless", "Glass", "Melamine"),
                15,
                45,
                "nests neatly for storage",
            ),
            BaseItem(
                "French Press",
                ("Copper", "Matte Black", "Chrome"),
                20,
                55,
                "brews four cups of rich coffee",
            ),
            BaseItem(
                "Salad Spinner",
                ("Compact", "Family Size", "Collapsible"),
                14,
                32,
                "dries leaves in seconds",
            ),
        ),
    ),
    Category(
        "home-decor",
        "Home Decor",
        "Lamps, textiles and accents that make a house a home.",
        (
            BaseItem(
                "Table Lamp",
                ("Brass", "Ceramic", "Walnut"),
                30,
                90,
                "gives a warm, glare-free light",
            ),
            BaseItem("Throw Pillow", COLOURS, 12, 30, "has a removable, washable cover"),
            BaseItem(
                "Wool Rug",
                ("Striped", "Geometric", "Plain"),
                60,
                220,
                "is hand-woven from New Zealand wool",
            ),
            BaseItem(
                "Wall Clock",
                ("Minimalist", "Vintage", "Industrial"),
                18,
                60,
                "runs silently without ticking",
            ),
            BaseItem(
                "Scented Candle",
                ("Lavender", "Cedar", "Vanilla", "Sea Salt"),
                9,
                28,
                "burns cleanly for about 40 hours",
            ),
            BaseItem(
                "Picture Frame", ("Oak", "Silver", "Black"), 10, 35, "fits 8 x 10 inch prints"
            ),
            BaseItem(
                "Linen Curtain",
                ("Ivory", "Sage", "Charcoal"),
                25,
                70,
                "filters light softly and hangs beautifully",
            ),
            BaseItem(
                "Ceramic Vase",
                ("Speckled", "Glazed", "Matte"),
                15,
                50,
                "suits fresh or dried flowers",
            ),
        ),
    ),
    Category(
        "electronics",
        "Electronics",
        "Headphones, chargers and gadgets for work and play.",
        (
            BaseItem(
                "Wireless Headphones",
                ("Noise-Cancelling", "On-Ear", "Sport"),
                40,
                250,
                "lasts up to 30 hours on a charge",
            ),
            BaseItem(
                "Bluetooth Speaker",
                ("Portable", "Waterproof", "Mini"),
                25,
                150,
                "pairs in seconds and fills a room",
            ),
            BaseItem(
                "USB-C Charger",
                ("65W", "30W", "Dual-Port"),
                15,
                60,
                "charges laptops and phones safely",
            ),
            BaseItem(
                "Mechanical Keyboard",
                ("Compact", "Full-Size", "Wireless"),
                50,
                180,
                "has hot-swappable switches",
            ),
            BaseItem(
                "Wireless Mouse",
                ("Ergonomic", "Travel", "Silent"),
                15,
                70,
                "tracks on almost any surface",
            ),
            BaseItem(
                "Smart Watch",
                ("Fitness", "Classic", "Kids"),
                60,
                300,
                "tracks steps, sleep and heart rate",
            ),
            BaseItem(
                "Power Bank",
                ("10000mAh", "20000mAh", "Slim"),
                18,
                65,
                "keeps your devices going on the move",
            ),
            BaseItem(
                "Webcam", ("HD", "4K", "Wide-Angle"), 30, 140, "has a built-in privacy shutter"
            ),
        ),
    ),
    Category(
        "books",
        "Books",
        "Novels, cookbooks and guides for curious minds.",
        (
            BaseItem(
                "Cookbook",
                ("Vegetarian", "Baking", "Italian", "Quick Weeknight"),
                15,
                40,
                "is full of tested, family-friendly recipes",
            ),
            BaseItem(
                "Mystery Novel",
                ("Hardcover", "Paperback", "Illustrated"),
                9,
                30,
                "keeps you guessing until the last page",
            ),
            BaseItem(
                "Travel Guide",
                ("Japan", "Italy", "Iceland", "Peru"),
                12,
                30,
                "includes maps, itineraries and local tips",
            ),
            BaseItem(
                "Gardening Handbook",
                ("Beginner's", "Organic", "Small Space"),
                14,
                35,
                "explains planting through the seasons",
            ),
            BaseItem(
                "Poetry Collection",
                ("Modern", "Classic", "Haiku"),
                10,
                25,
                "gathers verse from celebrated poets",
            ),
            BaseItem(
                "Science Encyclopedia",
                ("Junior", "Illustrated", "Pocket"),
                20,
                60,
                "explains big ideas with clear diagrams",
            ),
            BaseItem(
                "History Atlas",
                ("World", "European", "Ancient"),
                18,
                50,
                "charts civilisations across the centuries",
            ),
            BaseItem(
                "Sketchbook Guide",
                ("Drawing", "Watercolour", "Ink"),
                12,
                28,
                "teaches techniques step by step",
            ),
        ),
    ),
    Category(
        "clothing",
        "Clothing",
        "Everyday essentials and outdoor layers.",
        (
            BaseItem("Cotton T-Shirt", COLOURS, 10, 30, "is made from soft organic cotton"),
            BaseItem(
                "Denim Jacket",
                ("Light Wash", "Dark Wash", "Black"),
                45,
                110,
                "has a relaxed fit and brass buttons",
            ),
            BaseItem(
                "Wool Sweater",
                ("Cable Knit", "Merino", "Fisherman"),
                40,
                120,
                "keeps you warm without bulk",
            ),
            BaseItem(
                "Rain Jacket",
                ("Packable", "Insulated", "Lightweight"),
                50,
                160,
                "is fully seam-sealed and breathable",
            ),
            BaseItem(
                "Running Socks",
                ("Cushioned", "Ankle", "Compression"),
                6,
                20,
                "wick moisture and prevent blisters",
            ),
            BaseItem(
                "Linen Shirt",
                ("White", "Sand", "Sky Blue"),
                30,
                75,
                "stays cool on the hottest days",
            ),
            BaseItem(
                "Chino Trousers", ("Slim", "Regular", "Stretch"), 35, 85, "pair with anything"
            ),
            BaseItem(
                "Knit Beanie",
                ("Ribbed", "Chunky", "Fleece-Lined"),
                10,
                28,
                "covers the ears on cold mornings",
            ),
        ),
    ),
    Category(
        "sports-outdoors",
        "Sports & Outdoors",
        "Gear for the trail, the gym and the campsite.",
        (
            BaseItem(
                "Yoga Mat", ("Cork", "Non-Slip", "Travel"), 20, 70, "cushions joints and grips well"
            ),
            BaseItem(
                "Water Bottle",
                ("Insulated", "Collapsible", "Filter"),
                12,
                40,
                "keeps drinks cold for 24 hours",
            ),
            BaseItem(
                "Camping Tent",
                ("2-Person", "4-Person", "Ultralight"),
                80,
                320,
                "pitches in under five minutes",
            ),
            BaseItem(
                "Hiking Backpack", ("30L", "45L", "Daypack"), 40, 160, "has a ventilated back panel"
            ),
            BaseItem(
                "Resistance Bands",
                ("Light", "Heavy", "Loop"),
                10,
                30,
                "come in a handy carry pouch",
            ),
            BaseItem(
                "Sleeping Bag", ("Summer", "Three-Season", "Winter"), 45, 180, "packs down small"
            ),
            BaseItem(
                "Trekking Poles",
                ("Carbon", "Aluminium", "Folding"),
                30,
                110,
                "adjust quickly with lever locks",
            ),
            BaseItem(
                "Jump Rope",
                ("Speed", "Weighted", "Beaded"),
                8,
                25,
                "spins smoothly on ball bearings",
            ),
        ),
    ),
    Category(
        "toys-games",
        "Toys & Games",
        "Puzzles, board games and toys for all ages.",
        (
            BaseItem(
                "Jigsaw Puzzle",
                ("1000-Piece", "500-Piece", "Panorama"),
                12,
                35,
                "has thick, snug-fitting pieces",
            ),
            BaseItem(
                "Board Game",
                ("Strategy", "Family", "Party", "Co-op"),
                20,
                60,
                "plays in under an hour",
            ),
            BaseItem(
                "Building Blocks",
                ("Starter", "Deluxe", "Castle"),
                18,
                80,
                "are compatible with major brands",
            ),
            BaseItem(
                "Plush Bear", ("Brown", "Honey", "Cream"), 10, 35, "is soft and machine washable"
            ),
            BaseItem("Card Game", ("Trivia", "Word", "Classic"), 8, 22, "travels anywhere"),
            BaseItem("Kite", ("Delta", "Box", "Stunt"), 15, 60, "flies in light winds"),
            BaseItem(
                "Wooden Train Set",
                ("Starter", "Figure-Eight", "Mountain"),
                25,
                90,
                "is made from sustainably sourced beech",
            ),
            BaseItem("Rubik's Cube", ("3x3", "4x4", "Mirror"), 8, 25, "turns smoothly and quickly"),
        ),
    ),
    Category(
        "garden",
        "Garden",
        "Tools, planters and lighting for outdoor spaces.",
        (
            BaseItem(
                "Terracotta Planter",
                ("Small", "Medium", "Large"),
                8,
                45,
                "has a drainage hole and saucer",
            ),
            BaseItem(
                "Pruning Shears",
                ("Bypass", "Anvil", "Ratchet"),
                15,
                45,
                "cut cleanly through branches",
            ),
            BaseItem(
                "Garden Hose",
                ("Expandable", "Reinforced", "Coiled"),
                20,
                70,
                "resists kinks and leaks",
            ),
            BaseItem(
                "Watering Can",
                ("Galvanised", "Plastic", "Indoor"),
                10,
                40,
                "pours with a gentle rose",
            ),
            BaseItem(
                "Solar Lantern",
                ("Hanging", "Stake", "Table"),
                12,
                40,
                "charges by day and glows all night",
            ),
            BaseItem(
                "Bird Feeder", ("Tube", "Window", "Cedar"), 12, 45, "attracts finches and tits"
            ),
            BaseItem(
                "Raised Garden Bed",
                ("Cedar", "Metal", "Fabric"),
                40,
                150,
                "makes growing vegetables easy",
            ),
            BaseItem(
                "Garden Gloves",
                ("Leather", "Bamboo", "Nitrile"),
                7,
                25,
                "protect hands from thorns",
            ),
        ),
    ),
    Category(
        "beauty",
        "Beauty",
        "Skincare, bath and grooming essentials.",
        (
            BaseItem(
                "Face Moisturiser",
                ("Daily", "Night", "Oil-Free"),
                12,
                45,
                "absorbs quickly without greasiness",
            ),
            BaseItem(
                "Bath Bomb Set",
                ("Citrus", "Rose", "Eucalyptus"),
                10,
                30,
                "fizzes into a fragrant soak",
            ),
            BaseItem(
                "Hair Dryer",
                ("Ionic", "Travel", "Salon"),
                25,
                120,
                "dries hair fast with less frizz",
            ),
            BaseItem("Lip Balm", ("Mint", "Honey", "Tinted"), 3, 10, "soothes dry lips"),
            BaseItem(
                "Shampoo Bar",
                ("Argan", "Charcoal", "Coconut"),
                7,
                16,
                "is plastic-free and long-lasting",
            ),
            BaseItem(
                "Makeup Brush Set",
                ("Vegan", "Travel", "Professional"),
                15,
                60,
                "blends powders and creams smoothly",
            ),
            BaseItem(
                "Sunscreen", ("SPF 30", "SPF 50", "Mineral"), 9, 28, "protects against UVA and UVB"
            ),
            BaseItem(
                "Beard Oil", ("Sandalwood", "Unscented", "Citrus"), 10, 25, "softens and conditions"
            ),
        ),
    ),
    Category(
        "office",
        "Office",
        "Desk gear and stationery for productive days.",
        (
            BaseItem(
                "Notebook",
                ("Dotted", "Lined", "Grid", "Blank"),
                6,
                22,
                "has 160 pages of fountain-pen-friendly paper",
            ),
            BaseItem(
                "Desk Organiser",
                ("Bamboo", "Mesh", "Acrylic"),
                12,
                40,
                "tames pens, clips and cables",
            ),
            BaseItem(
                "Fountain Pen",
                ("Fine", "Medium", "Broad"),
                15,
                90,
                "writes smoothly with a steel nib",
            ),
            BaseItem(
                "Monitor Stand",
                ("Wooden", "Aluminium", "Adjustable"),
                25,
                90,
                "raises your screen to eye level",
            ),
            BaseItem(
                "Desk Lamp", ("LED", "Clamp", "Architect"), 20, 80, "has three colour temperatures"
            ),
            BaseItem(
                "Sticky Notes", ("Pastel", "Neon", "Recycled"), 3, 12, "stick and re-stick cleanly"
            ),
            BaseItem(
                "Office Chair Cushion",
                ("Memory Foam", "Gel", "Lumbar"),
                20,
                60,
                "supports long working days",
            ),
            BaseItem(
                "Wall Planner",
                ("Weekly", "Monthly", "Annual"),
                8,
                25,
                "keeps the whole team on track",
            ),
        ),
    ),
)

USERS: tuple[tuple[str, str, str], ...] = (
    # username, email, display name
    ("alice", "alice@example.com", "Alice Johnson"),
    ("bob", "bob@example.com", "Bob Martinez"),
    ("carol", "carol@example.com", "Carol Nguyen"),
    ("dave", "dave@example.com", "Dave Okafor"),
    ("erin", "erin@example.com", "Erin Schmidt"),
    ("frank", "frank@example.com", "Frank Rossi"),
    ("grace", "grace@example.com", "Grace Kim"),
    ("heidi", "heidi@example.com", "Heidi Larsen"),
    ("ivan", "ivan@example.com", "Ivan Petrov"),
    ("judy", "judy@example.com", "Judy Chen"),
    ("mallory", "mallory@example.com", "Mallory Brooks"),
    ("oscar", "oscar@example.com", "Oscar Silva"),
)

# Passwords of the seeded users: site configuration (SITE.accounts), never task code.
PASSWORDS: dict[str, str] = {username: f"{username}-shop-pw" for username, _, _ in USERS}

COUNTRIES: tuple[str, ...] = (
    "United States",
    "Canada",
    "United Kingdom",
    "Ireland",
    "Germany",
    "France",
    "Netherlands",
    "Spain",
    "Italy",
    "Australia",
    "Japan",
)

REVIEW_TEXT: dict[int, tuple[str, ...]] = {
    5: (
        "Absolutely love it. Exactly as described and arrived quickly.",
        "Excellent quality for the price. Would buy again.",
        "Five stars. It exceeded my expectations in every way.",
        "Perfect gift, my sister was thrilled with it.",
        "Beautifully made and it works perfectly.",
    ),
    4: (
        "Very good overall, just a little smaller than I expected.",
        "Solid product. Packaging could have been better.",
        "Does the job well and looks nice too.",
        "Good value. Took a few days longer to arrive than promised.",
    ),
    3: (
        "It's okay. Does what it says but nothing special.",
        "Average quality. Fine for occasional use.",
        "Mixed feelings: the design is nice but the finish is rough.",
    ),
    2: (
        "Disappointed. The colour was different from the photos.",
        "Not great, it started wearing out after a few weeks.",
        "Below expectations for the price.",
    ),
    1: (
        "Arrived damaged and customer service was slow to respond.",
        "Stopped working after two days. Returning it.",
    ),
}

REVIEW_TITLES = ("Great", "Good", "Okay", "Poor", "Bad")
