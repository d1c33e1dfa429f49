from peacetalks.cli import main

main()
