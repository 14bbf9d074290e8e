"""placeholder until implemented"""
def add_arguments(p):
    pass


def run(args):
    print("尚未实现")
    return 2
