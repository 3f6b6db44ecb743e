from django.contrib.auth.hashers import Argon2PasswordHasher


class FastArgon2Hasher(Argon2PasswordHasher):
    """Argon2id with test-only costs: the algorithm stays the production one."""

    time_cost = 1
    memory_cost = 1024
    parallelism = 1
